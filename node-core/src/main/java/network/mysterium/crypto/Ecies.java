package network.mysterium.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * ECIES on secp256k1 as go-ethereum's {@code crypto/ecies} does it (ECIES_AES128_SHA256): an
 * ephemeral key agreed with the recipient's key, NIST SP 800-56 concatenation KDF with SHA-256,
 * AES-128-CTR, and HMAC-SHA256 over IV and ciphertext. Output: ephemeral public key (65 bytes) ||
 * IV (16) || ciphertext || tag (32).
 */
public final class Ecies {
  /** Bytes ECIES adds to a plaintext. */
  public static final int OVERHEAD = 65 + 16 + 32;

  private Ecies() {}

  public static byte[] encrypt(PublicKey recipient, byte[] plaintext, SecureRandom random) {
    try (PrivateKey ephemeral = PrivateKey.generate(random)) {
      byte[] shared = ephemeral.agree(recipient);
      byte[] iv = new byte[16];
      random.nextBytes(iv);
      Keys keys = Keys.derive(shared);
      byte[] ciphertext = aesCtr(keys.encryption(), iv, plaintext);
      byte[] tag = keys.tag(iv, ciphertext);
      byte[] out = new byte[OVERHEAD + plaintext.length];
      System.arraycopy(ephemeral.publicKey().toUncompressed(), 0, out, 0, 65);
      System.arraycopy(iv, 0, out, 65, 16);
      System.arraycopy(ciphertext, 0, out, 81, ciphertext.length);
      System.arraycopy(tag, 0, out, 81 + ciphertext.length, 32);
      keys.destroy();
      return out;
    }
  }

  /**
   * @throws InvalidCiphertextException if the message is malformed or was not encrypted to this key
   *     (the tag does not match): nothing of it is returned
   */
  public static byte[] decrypt(PrivateKey recipient, byte[] message)
      throws InvalidCiphertextException {
    if (message.length < OVERHEAD || message[0] != 0x04) {
      throw new InvalidCiphertextException("not an ECIES message");
    }
    PublicKey ephemeral;
    try {
      ephemeral = PublicKey.parse(Arrays.copyOfRange(message, 0, 65));
    } catch (IllegalArgumentException e) {
      throw new InvalidCiphertextException("ephemeral key is not on the curve");
    }
    byte[] iv = Arrays.copyOfRange(message, 65, 81);
    byte[] ciphertext = Arrays.copyOfRange(message, 81, message.length - 32);
    byte[] tag = Arrays.copyOfRange(message, message.length - 32, message.length);
    Keys keys = Keys.derive(recipient.agree(ephemeral));
    try {
      if (!MessageDigest.isEqual(tag, keys.tag(iv, ciphertext))) {
        throw new InvalidCiphertextException("authentication tag does not match");
      }
      return aesCtr(keys.encryption(), iv, ciphertext);
    } finally {
      keys.destroy();
    }
  }

  /** A message that is not ECIES, or not for this key, or altered. */
  public static final class InvalidCiphertextException extends Exception {
    public InvalidCiphertextException(String message) {
      super(message);
    }
  }

  private record Keys(byte[] encryption, byte[] mac) {
    static Keys derive(byte[] shared) {
      // Concatenation KDF, one SHA-256 block: counter 1 || Z (no shared info).
      SHA256Digest digest = new SHA256Digest();
      digest.update(new byte[] {0, 0, 0, 1}, 0, 4);
      digest.update(shared, 0, shared.length);
      byte[] k = new byte[32];
      digest.doFinal(k, 0);
      Arrays.fill(shared, (byte) 0);
      SHA256Digest macDigest = new SHA256Digest();
      macDigest.update(k, 16, 16);
      byte[] mac = new byte[32];
      macDigest.doFinal(mac, 0);
      Keys keys = new Keys(Arrays.copyOfRange(k, 0, 16), mac);
      Arrays.fill(k, (byte) 0);
      return keys;
    }

    byte[] tag(byte[] iv, byte[] ciphertext) {
      HMac hmac = new HMac(new SHA256Digest());
      hmac.init(new KeyParameter(mac));
      hmac.update(iv, 0, iv.length);
      hmac.update(ciphertext, 0, ciphertext.length);
      byte[] out = new byte[32];
      hmac.doFinal(out, 0);
      return out;
    }

    void destroy() {
      Arrays.fill(encryption, (byte) 0);
      Arrays.fill(mac, (byte) 0);
    }
  }

  private static byte[] aesCtr(byte[] key, byte[] iv, byte[] input) {
    SICBlockCipher ctr = new SICBlockCipher(AESEngine.newInstance());
    ctr.init(true, new ParametersWithIV(new KeyParameter(key), iv));
    byte[] out = new byte[input.length];
    ctr.processBytes(input, 0, input.length, out, 0);
    return out;
  }
}
