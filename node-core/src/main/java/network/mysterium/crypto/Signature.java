package network.mysterium.crypto;

import java.math.BigInteger;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A recoverable secp256k1 signature as Ethereum writes it: 65 bytes r || s || v, where v is 27 or
 * 28 (the recovery id plus 27). Parsing also accepts v as 0 or 1.
 */
public record Signature(BigInteger r, BigInteger s, int v) {
  public Signature {
    if (r.signum() <= 0 || r.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("signature r is out of range");
    }
    if (s.signum() <= 0 || s.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("signature s is out of range");
    }
    if (v != 27 && v != 28) {
      throw new IllegalArgumentException("signature v must be 27 or 28, got " + v);
    }
  }

  /** Parses 65 bytes r || s || v (v in {0, 1, 27, 28}). */
  public static Signature parse(byte[] bytes) {
    if (bytes.length != 65) {
      throw new IllegalArgumentException("a signature has 65 bytes, got " + bytes.length);
    }
    int v = bytes[64] & 0xff;
    return new Signature(
        new BigInteger(1, java.util.Arrays.copyOfRange(bytes, 0, 32)),
        new BigInteger(1, java.util.Arrays.copyOfRange(bytes, 32, 64)),
        v < 27 ? v + 27 : v);
  }

  public static Signature parseHex(String hex) {
    return parse(Hex.decode(hex));
  }

  /** The recovery id, 0 or 1. */
  public int recoveryId() {
    return v - 27;
  }

  /** True when s is in the upper half of the curve order: a malleated twin of a valid signature. */
  public boolean isHighS() {
    return s.compareTo(Secp256k1.HALF_N) > 0;
  }

  /**
   * Recovers the public key that made this signature over a 32-byte hash (SEC 1 section 4.1.6).
   * Rejects high-s signatures, as Ethereum has since Homestead, so each message has one valid
   * signature per key and a signature cannot be malleated into a second valid one.
   */
  public PublicKey recoverPublicKey(byte[] hash) throws InvalidSignatureException {
    if (hash.length != 32) {
      throw new IllegalArgumentException("expected a 32-byte hash, got " + hash.length);
    }
    if (isHighS()) {
      throw new InvalidSignatureException("signature is malleable (s is in the upper half)");
    }
    if (Secp256k1.NATIVE.isPresent()) {
      byte[] compact = java.util.Arrays.copyOf(toBytes(), 64);
      return PublicKey.parse(
          Secp256k1.NATIVE
              .get()
              .recover(compact, recoveryId(), hash)
              .orElseThrow(() -> new InvalidSignatureException("signature recovers to no key")));
    }
    return recoverInJava(hash);
  }

  /** Recovery in Bouncy Castle: the fallback, and the reference the native path is tested on. */
  PublicKey recoverInJava(byte[] hash) throws InvalidSignatureException {
    // x of R is r itself: with secp256k1's cofactor 1 and v in {27, 28}, r + n is never needed
    // (it would exceed the field size for all but a negligible set of r).
    byte[] compressed = new byte[33];
    compressed[0] = (byte) (recoveryId() == 0 ? 0x02 : 0x03);
    System.arraycopy(Secp256k1.toBytes32(r), 0, compressed, 1, 32);
    ECPoint bigR;
    try {
      bigR = Secp256k1.DOMAIN.getCurve().decodePoint(compressed);
    } catch (IllegalArgumentException e) {
      throw new InvalidSignatureException("signature r is not the x of a curve point");
    }
    BigInteger n = Secp256k1.N;
    BigInteger e = new BigInteger(1, hash);
    BigInteger rInv = r.modInverse(n);
    BigInteger u1 = e.negate().multiply(rInv).mod(n);
    BigInteger u2 = s.multiply(rInv).mod(n);
    ECPoint q = ECAlgorithms.sumOfTwoMultiplies(Secp256k1.DOMAIN.getG(), u1, bigR, u2).normalize();
    if (q.isInfinity()) {
      throw new InvalidSignatureException("signature recovers to no key");
    }
    return PublicKey.of(q);
  }

  /** The address that made this signature over a 32-byte hash. */
  public Address recoverAddress(byte[] hash) throws InvalidSignatureException {
    return recoverPublicKey(hash).address();
  }

  public byte[] toBytes() {
    byte[] out = new byte[65];
    System.arraycopy(Secp256k1.toBytes32(r), 0, out, 0, 32);
    System.arraycopy(Secp256k1.toBytes32(s), 0, out, 32, 32);
    out[64] = (byte) v;
    return out;
  }

  public String toHex() {
    return Hex.encodePrefixed(toBytes());
  }
}
