package network.mysterium.service.wireguard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The primitives of WireGuard's Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s (WireGuard paper, section
 * 5.4): HASH and MAC (BLAKE2s), HMAC and KDF (HMAC-BLAKE2s), AEAD (the JDK's ChaCha20-Poly1305,
 * with a 64-bit little-endian counter as nonce) and DH (X25519 from Bouncy Castle, on raw keys).
 */
final class WireGuardCrypto {
  static final byte[] CONSTRUCTION =
      "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
  static final byte[] IDENTIFIER =
      "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
  static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
  static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);
  static final int KEY = 32;
  static final int TAG = 16;

  private WireGuardCrypto() {}

  static byte[] hash(byte[]... parts) {
    Blake2sDigest digest = new Blake2sDigest(256);
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }

  /** Keyed BLAKE2s with a 16-byte output. */
  static byte[] mac(byte[] key, byte[] input, int length) {
    Blake2sDigest digest = new Blake2sDigest(key, 16, null, null);
    digest.update(input, 0, length);
    byte[] out = new byte[16];
    digest.doFinal(out, 0);
    return out;
  }

  static byte[] hmac(byte[] key, byte[]... parts) {
    HMac hmac = new HMac(new Blake2sDigest(256));
    hmac.init(new KeyParameter(key));
    for (byte[] part : parts) {
      hmac.update(part, 0, part.length);
    }
    byte[] out = new byte[32];
    hmac.doFinal(out, 0);
    return out;
  }

  /** KDF_n(key, input): n 32-byte outputs. */
  static byte[][] kdf(int n, byte[] key, byte[] input) {
    byte[] prk = hmac(key, input);
    byte[][] out = new byte[n][];
    byte[] previous = new byte[0];
    for (int i = 0; i < n; i++) {
      previous = hmac(prk, previous, new byte[] {(byte) (i + 1)});
      out[i] = previous;
    }
    return out;
  }

  static byte[] aeadSeal(byte[] key, long counter, byte[] plain, byte[] authenticated) {
    try {
      Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), nonce(counter));
      cipher.updateAAD(authenticated);
      return cipher.doFinal(plain);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 is not available", e);
    }
  }

  /** Opens a sealed box; throws when it was not sealed with this key, counter and data. */
  static byte[] aeadOpen(byte[] key, long counter, byte[] sealed, byte[] authenticated)
      throws AEADBadTagException {
    try {
      Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), nonce(counter));
      cipher.updateAAD(authenticated);
      return cipher.doFinal(sealed);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 is not available", e);
    }
  }

  /**
   * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): HChaCha20 turns the key and the first 16 bytes of
   * the 24-byte nonce into a subkey, then ChaCha20-Poly1305 runs with the last 8 bytes as nonce.
   * WireGuard's cookie replies use it.
   */
  static byte[] xaeadSeal(byte[] key, byte[] nonce24, byte[] plain, byte[] authenticated) {
    return xaead(Cipher.ENCRYPT_MODE, key, nonce24, plain, authenticated);
  }

  static byte[] xaeadOpen(byte[] key, byte[] nonce24, byte[] sealed, byte[] authenticated)
      throws AEADBadTagException {
    try {
      return xaead(Cipher.DECRYPT_MODE, key, nonce24, sealed, authenticated);
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof AEADBadTagException bad) {
        throw bad;
      }
      throw e;
    }
  }

  private static byte[] xaead(
      int mode, byte[] key, byte[] nonce24, byte[] input, byte[] authenticated) {
    byte[] subkey = hchacha20(key, java.util.Arrays.copyOf(nonce24, 16));
    byte[] nonce = new byte[12];
    System.arraycopy(nonce24, 16, nonce, 4, 8);
    try {
      Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
      cipher.init(mode, new SecretKeySpec(subkey, "ChaCha20"), new IvParameterSpec(nonce));
      cipher.updateAAD(authenticated);
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(subkey, (byte) 0);
    }
  }

  /** HChaCha20: the ChaCha20 block function without the final addition, words 0-3 and 12-15. */
  static byte[] hchacha20(byte[] key, byte[] nonce16) {
    int[] x = new int[16];
    x[0] = 0x61707865;
    x[1] = 0x3320646e;
    x[2] = 0x79622d32;
    x[3] = 0x6b206574;
    ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 8; i++) {
      x[4 + i] = k.getInt();
    }
    ByteBuffer n = ByteBuffer.wrap(nonce16).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 4; i++) {
      x[12 + i] = n.getInt();
    }
    for (int round = 0; round < 10; round++) {
      quarter(x, 0, 4, 8, 12);
      quarter(x, 1, 5, 9, 13);
      quarter(x, 2, 6, 10, 14);
      quarter(x, 3, 7, 11, 15);
      quarter(x, 0, 5, 10, 15);
      quarter(x, 1, 6, 11, 12);
      quarter(x, 2, 7, 8, 13);
      quarter(x, 3, 4, 9, 14);
    }
    ByteBuffer out = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : new int[] {0, 1, 2, 3, 12, 13, 14, 15}) {
      out.putInt(x[i]);
    }
    return out.array();
  }

  private static void quarter(int[] x, int a, int b, int c, int d) {
    x[a] += x[b];
    x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
    x[c] += x[d];
    x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
    x[a] += x[b];
    x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
    x[c] += x[d];
    x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
  }

  private static IvParameterSpec nonce(long counter) {
    return new IvParameterSpec(
        ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putLong(counter).array());
  }

  static byte[] newPrivateKey(SecureRandom random) {
    byte[] key = new byte[32];
    X25519.generatePrivateKey(random, key);
    return key;
  }

  static byte[] publicKey(byte[] privateKey) {
    byte[] out = new byte[32];
    X25519.generatePublicKey(privateKey, 0, out, 0);
    return out;
  }

  /** X25519, or null when {@code publicKey} is of low order (the result would be all zeros). */
  static byte[] dhOrNull(byte[] privateKey, byte[] publicKey) {
    byte[] out = new byte[32];
    return X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0) ? out : null;
  }

  static byte[] dh(byte[] privateKey, byte[] publicKey) {
    byte[] out = new byte[32];
    if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0)) {
      throw new IllegalArgumentException("X25519 with a low-order point");
    }
    return out;
  }

  /** TAI64N: seconds since 1970 plus 2^62 (big-endian), then nanoseconds. */
  static byte[] tai64n(java.time.Instant now) {
    return ByteBuffer.allocate(12)
        .putLong(0x400000000000000aL + now.getEpochSecond())
        .putInt(now.getNano())
        .array();
  }
}
