package network.mysterium.crypto;

import java.util.Arrays;
import org.bouncycastle.math.ec.ECPoint;

/** A secp256k1 public key, held as its 64-byte uncompressed form (x || y, no 0x04 prefix). */
public final class PublicKey {
  private final byte[] xy;

  private PublicKey(byte[] xy) {
    this.xy = xy;
  }

  static PublicKey of(ECPoint point) {
    return new PublicKey(Secp256k1.uncompressedXy(point));
  }

  /**
   * Parses a public key: 64 bytes (x || y), 65 bytes (0x04 || x || y) or 33 bytes compressed. The
   * point must lie on the curve.
   */
  public static PublicKey parse(byte[] encoded) {
    byte[] sec1 = encoded.length == 64 ? concat(new byte[] {0x04}, encoded) : encoded.clone();
    try {
      ECPoint point = Secp256k1.DOMAIN.getCurve().decodePoint(sec1);
      if (point.isInfinity() || !point.isValid()) {
        throw new IllegalArgumentException("public key is not a point on secp256k1");
      }
      return of(point);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid secp256k1 public key: " + e.getMessage(), e);
    }
  }

  /** The curve point, for key agreement. */
  ECPoint point() {
    return Secp256k1.DOMAIN.getCurve().decodePoint(concat(new byte[] {0x04}, xy));
  }

  /** SEC 1 uncompressed encoding, 65 bytes: 0x04 || x || y. */
  public byte[] toUncompressed() {
    return concat(new byte[] {0x04}, xy);
  }

  public byte[] toUncompressedXy() {
    return xy.clone();
  }

  public Address address() {
    return Address.ofPublicKey(xy);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PublicKey that && Arrays.equals(xy, that.xy);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(xy);
  }

  @Override
  public String toString() {
    return Hex.encodePrefixed(xy);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
