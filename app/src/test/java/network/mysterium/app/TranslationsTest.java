package network.mysterium.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import network.mysterium.app.view.SettingsView;
import network.mysterium.i18n.Messages;
import org.junit.jupiter.api.Test;

/** The app speaks six languages, all of it: every key in every bundle, no text in the views. */
class TranslationsTest {
  @Test
  void everyAppKeyIsTranslatedIntoEveryLanguage() {
    ResourceBundle english = Messages.forLocale(Locale.ROOT).bundle();
    List<String> keys = english.keySet().stream().filter(k -> k.startsWith("app.")).toList();
    assertThat(keys).hasSizeGreaterThan(70);
    for (Locale locale : SettingsView.LANGUAGES) {
      if (locale.getLanguage().equals("en")) {
        continue;
      }
      ResourceBundle bundle = Messages.forLocale(locale).bundle();
      assertThat(bundle.getLocale().getLanguage())
          .as(locale.toString())
          .isEqualTo(locale.getLanguage());
      for (String key : keys) {
        // handleKeySet: the keys of that bundle itself, not those it falls back to
        assertThat(translated(bundle, key)).as(locale + " " + key).isTrue();
      }
    }
  }

  /** Keys that are only a layout of numbers and units, the same in several languages. */
  private static final java.util.Set<String> LANGUAGE_NEUTRAL =
      java.util.Set.of(
          "app.title",
          "app.services.price",
          "app.services.bandwidth",
          "app.settings.dns",
          "app.provider.refused.reason");

  private static boolean translated(ResourceBundle bundle, String key) {
    return bundle.containsKey(key)
            && !bundle
                .getString(key)
                .equals(Messages.forLocale(Locale.ROOT).bundle().getString(key))
        || LANGUAGE_NEUTRAL.contains(key);
  }

  @Test
  void noViewHasAHardCodedString() throws IOException {
    Pattern literal =
        Pattern.compile(
            "(new (Label|Button|ToggleButton|CheckBox|ToggleSwitch|Tab|TableColumn)\\(\\s*\"[^\"]"
                + "|set(Text|PromptText|AccessibleText|Title|HeaderText)\\(\\s*\"[^\"])");
    try (Stream<Path> files =
        Files.walk(Path.of("src/main/java/network/mysterium/app"))
            .filter(p -> p.toString().endsWith(".java"))) {
      for (Path file : files.toList()) {
        Matcher m = literal.matcher(Files.readString(file));
        assertThat(m.find()).as(file + " has a hard-coded text").isFalse();
      }
    }
  }
}
