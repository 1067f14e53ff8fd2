package network.mysterium.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * An Ethereum account address: the last 20 bytes of keccak256 of the uncompressed public key
 * (without its 0x04 prefix). Its text form is EIP-55 mixed-case checksummed.
 */
public final class Address implements Comparable<Address> {
  public static final int LENGTH = 20;
  private final byte[] bytes;

  private Address(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Address of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("an address has 20 bytes, got " + bytes.length);
    }
    return new Address(bytes.clone());
  }

  /** The address of a 64-byte uncompressed public key (x || y). */
  public static Address ofPublicKey(byte[] uncompressedXy) {
    if (uncompressedXy.length != 64) {
      throw new IllegalArgumentException(
          "expected a 64-byte public key, got " + uncompressedXy.length);
    }
    byte[] hash = Keccak.hash(uncompressedXy);
    return new Address(Arrays.copyOfRange(hash, 12, 32));
  }

  /**
   * Parses {@code 0x}-prefixed (or bare) hex. All-lower and all-upper case are accepted as they
   * carry no checksum; mixed case must be a valid EIP-55 checksum, so a mistyped address is caught.
   */
  public static Address parse(String text) {
    String digits = Hex.strip(text);
    if (digits.length() != 2 * LENGTH) {
      throw new IllegalArgumentException(
          "an address has 40 hex digits, got " + digits.length() + ": '" + text + "'");
    }
    Address address = new Address(Hex.decode(digits));
    boolean mixed =
        !digits.equals(digits.toLowerCase(Locale.ROOT))
            && !digits.equals(digits.toUpperCase(Locale.ROOT));
    if (mixed && !address.toString().substring(2).equals(digits)) {
      throw new IllegalArgumentException(
          "address checksum (EIP-55) does not match: '" + text + "'");
    }
    return address;
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Lower-case hex without the {@code 0x} prefix, as keystore files store it. */
  public String toLowerHex() {
    return Hex.encode(bytes);
  }

  /** The EIP-55 checksummed form, e.g. {@code 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed}. */
  @Override
  public String toString() {
    String lower = toLowerHex();
    byte[] hash = Keccak.hash(lower.getBytes(StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Address that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Address other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }
}
