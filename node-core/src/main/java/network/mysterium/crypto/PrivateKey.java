package network.mysterium.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * A secp256k1 private key. Its bytes are zeroed by {@link #destroy()} (use try-with-resources) and
 * never appear in {@link #toString()}.
 */
public final class PrivateKey implements Destroyable, AutoCloseable {
  private final byte[] secret;
  private boolean destroyed;
  private PublicKey publicKey; // derived once: a scalar multiplication per call otherwise

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

  public synchronized PublicKey publicKey() {
    if (publicKey == null) {
      checkLive();
      publicKey =
          Secp256k1.NATIVE.isPresent()
              ? PublicKey.parse(Secp256k1.NATIVE.get().publicKey(secret))
              : PublicKey.of(new FixedPointCombMultiplier().multiply(Secp256k1.DOMAIN.getG(), d()));
    }
    return publicKey;
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
    if (Secp256k1.NATIVE.isPresent()) {
      checkLive();
      byte[] signed = Secp256k1.NATIVE.get().signRecoverable(hash, secret);
      if (signed[64] < 2) { // ids 2 and 3 (x of R >= n) cannot be carried by Ethereum's v
        return Signature.parse(signed);
      }
    }
    return signInJava(hash);
  }

  /** Signing in Bouncy Castle: the fallback, and the reference the native path is tested on. */
  Signature signInJava(byte[] hash) {
    // ECDSA written out (rather than Bouncy Castle's ECDSASigner) to know R: the parity of its y
    // is the recovery id, so no trial recovery is needed.
    BigInteger n = Secp256k1.N;
    BigInteger d = d();
    BigInteger e = new BigInteger(1, hash);
    HMacDSAKCalculator nonces = new HMacDSAKCalculator(new SHA256Digest());
    nonces.init(n, d, hash);
    while (true) {
      BigInteger k = nonces.nextK();
      ECPoint bigR =
          new FixedPointCombMultiplier().multiply(Secp256k1.DOMAIN.getG(), k).normalize();
      BigInteger x = bigR.getAffineXCoord().toBigInteger();
      BigInteger r = x.mod(n);
      if (r.signum() == 0 || x.compareTo(n) >= 0) {
        continue; // r = 0, or x >= n (recovery ids 2 and 3, which Ethereum's v cannot carry): next
        // k
      }
      BigInteger s = k.modInverse(n).multiply(e.add(d.multiply(r))).mod(n);
      if (s.signum() == 0) {
        continue;
      }
      int recoveryId = bigR.getAffineYCoord().toBigInteger().testBit(0) ? 1 : 0;
      if (s.compareTo(Secp256k1.HALF_N) > 0) {
        s = n.subtract(s); // low s, as Ethereum requires: negating s mirrors R
        recoveryId ^= 1;
      }
      return new Signature(r, s, 27 + recoveryId);
    }
  }

  /**
   * ECDH: the x coordinate of this key times the peer's point (32 bytes), in constant time on both
   * paths (libsecp256k1's ecdh module, or the Java ladder): the node multiplies attacker-chosen
   * points by its identity key for every datagram it opens.
   */
  byte[] agree(PublicKey peer) {
    checkLive();
    if (Secp256k1.NATIVE.isPresent()) {
      return Secp256k1.NATIVE.get().ecdh(peer.toUncompressed(), secret);
    }
    return agreeInJava(peer);
  }

  /** The Java fallback of {@link #agree}, and the reference the native path is tested on. */
  byte[] agreeInJava(PublicKey peer) {
    checkLive();
    return MontgomeryLadder.x(Arrays.copyOf(peer.toUncompressedXy(), 32), secret);
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
