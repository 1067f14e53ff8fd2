package network.mysterium.crypto;

import java.util.HexFormat;

/** Hex text as Ethereum tools write it: lower case, with or without a {@code 0x} prefix. */
public final class Hex {
  private static final HexFormat FORMAT = HexFormat.of();

  private Hex() {}

  /** Lower-case hex without prefix. */
  public static String encode(byte[] bytes) {
    return FORMAT.formatHex(bytes);
  }

  /** Lower-case hex with a {@code 0x} prefix. */
  public static String encodePrefixed(byte[] bytes) {
    return "0x" + encode(bytes);
  }

  /**
   * Decodes hex with an optional {@code 0x} prefix.
   *
   * @throws IllegalArgumentException naming the problem (odd length, non-hex character)
   */
  public static byte[] decode(String text) {
    String digits = strip(text);
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException("hex has an odd number of digits: " + digits.length());
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), 16) < 0) {
        throw new IllegalArgumentException(
            "not a hex digit at position " + i + ": '" + digits.charAt(i) + "'");
      }
    }
    return FORMAT.parseHex(digits);
  }

  /** Decodes hex that must hold exactly {@code length} bytes. */
  public static byte[] decode(String text, int length) {
    byte[] bytes = decode(text);
    if (bytes.length != length) {
      throw new IllegalArgumentException(
          "expected " + length + " bytes of hex, got " + bytes.length);
    }
    return bytes;
  }

  static String strip(String text) {
    if (text == null) {
      throw new IllegalArgumentException("hex is missing");
    }
    String trimmed = text.strip();
    return trimmed.startsWith("0x") || trimmed.startsWith("0X") ? trimmed.substring(2) : trimmed;
  }
}
