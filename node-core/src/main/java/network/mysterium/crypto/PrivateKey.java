package network.mysterium.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * A secp256k1 private key. Its bytes are zeroed by {@link #destroy()} (use try-with-resources) and
 * never appear in {@link #toString()}.
 */
public final class PrivateKey implements Destroyable, AutoCloseable {
  private final byte[] secret;
  private boolean destroyed;

  private PrivateKey(byte[] secret) {
    this.secret = secret;
  }

  /** A new random key from the platform's strong {@link SecureRandom}. */
  public static PrivateKey generate(SecureRandom random) {
    byte[] candidate = new byte[32];
    while (true) {
      random.nextBytes(candidate);
      if (isValid(candidate)) {
        return new PrivateKey(candidate);
      }
    }
  }

  /** Copies 32 key bytes; the caller should zero its own copy. */
  public static PrivateKey of(byte[] bytes) {
    if (bytes.length != 32) {
      throw new IllegalArgumentException("a private key has 32 bytes, got " + bytes.length);
    }
    if (!isValid(bytes)) {
      throw new IllegalArgumentException("private key is out of range for secp256k1");
    }
    return new PrivateKey(bytes.clone());
  }

  private static boolean isValid(byte[] bytes) {
    BigInteger d = new BigInteger(1, bytes);
    return d.signum() > 0 && d.compareTo(Secp256k1.N) < 0;
  }

  public PublicKey publicKey() {
    return PublicKey.of(new FixedPointCombMultiplier().multiply(Secp256k1.DOMAIN.getG(), d()));
  }

  public Address address() {
    return publicKey().address();
  }

  /**
   * Signs a 32-byte hash with deterministic nonces (RFC 6979), normalised to low s, with the
   * recovery id that lets verifiers recover this key's address.
   */
  public Signature sign(byte[] hash) {
    if (hash.length != 32) {
      throw new IllegalArgumentException("expected a 32-byte hash, got " + hash.length);
    }
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d(), Secp256k1.DOMAIN));
    BigInteger[] rs = signer.generateSignature(hash);
    BigInteger r = rs[0];
    BigInteger s = rs[1].compareTo(Secp256k1.HALF_N) > 0 ? Secp256k1.N.subtract(rs[1]) : rs[1];
    PublicKey expected = publicKey();
    for (int v = 27; v <= 28; v++) {
      Signature candidate = new Signature(r, s, v);
      try {
        if (candidate.recoverPublicKey(hash).equals(expected)) {
          return candidate;
        }
      } catch (InvalidSignatureException e) {
        // try the other recovery id
      }
    }
    // Only reachable when r >= p - n, with probability about 2^-128.
    throw new IllegalStateException("no recovery id reproduces the key; sign again");
  }

  /** ECDH: the x coordinate of this key times the peer's point (32 bytes). */
  byte[] agree(PublicKey peer) {
    return Secp256k1.toBytes32(
        peer.point().multiply(d()).normalize().getAffineXCoord().toBigInteger());
  }

  /** The raw 32 key bytes: a copy the caller must zero. Used only to encrypt into a keystore. */
  public byte[] toBytes() {
    checkLive();
    return secret.clone();
  }

  private BigInteger d() {
    checkLive();
    return new BigInteger(1, secret);
  }

  private void checkLive() {
    if (destroyed) {
      throw new IllegalStateException("private key was destroyed");
    }
  }

  @Override
  public void destroy() {
    Arrays.fill(secret, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public void close() {
    destroy();
  }

  @Override
  public String toString() {
    return "PrivateKey[redacted]";
  }
}
