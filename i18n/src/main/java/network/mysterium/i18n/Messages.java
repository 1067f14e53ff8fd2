package network.mysterium.i18n;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The user-visible text of the app and the CLI, from the {@code messages} bundles. One instance per
 * locale; no global state.
 */
public final class Messages {
  /** The bundle's base name, also handed to picocli for the CLI's help text. */
  public static final String BUNDLE = "network.mysterium.i18n.messages";

  private final ResourceBundle bundle;

  private Messages(ResourceBundle bundle) {
    this.bundle = bundle;
  }

  public static Messages forLocale(Locale locale) {
    return new Messages(ResourceBundle.getBundle(BUNDLE, locale));
  }

  public ResourceBundle bundle() {
    return bundle;
  }

  public boolean has(String key) {
    return bundle.containsKey(key);
  }

  /**
   * The text for {@code key} with {@code {0}}-style arguments filled in.
   *
   * @throws MissingResourceException if the key is in no bundle (a bug, caught by tests)
   */
  public String get(String key, Object... args) {
    String pattern = bundle.getString(key);
    return args.length == 0 ? pattern : new MessageFormat(pattern, bundle.getLocale()).format(args);
  }
}
