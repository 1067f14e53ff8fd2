package network.mysterium.app.viewmodel;

import java.util.Locale;
import network.mysterium.i18n.Messages;

/** Country names in the user's language (from the JDK's locale data) and flags (emoji). */
public final class Countries {
  private Countries() {}

  /** "Germany" for DE in English, "Deutschland" in German; the code when unknown. */
  public static String name(String code, Messages messages) {
    String name = Locale.of("", code).getDisplayCountry(messages.bundle().getLocale());
    return name.isBlank() ? code : name;
  }

  /** The flag: the two regional indicator symbols for the code's letters. */
  public static String flag(String code) {
    if (code.length() != 2) {
      return "";
    }
    int first = 0x1F1E6 + Character.toUpperCase(code.charAt(0)) - 'A';
    int second = 0x1F1E6 + Character.toUpperCase(code.charAt(1)) - 'A';
    return new String(Character.toChars(first)) + new String(Character.toChars(second));
  }
}
