package network.mysterium.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * Compatibility with go-ethereum's {@code crypto/ecies} (ECIES_AES128_SHA256, no shared info) is
 * checked against values geth publishes, not against this code: the RLPx v4 "plain" handshake
 * messages (Auth₁, Ack₁) of EIP-8's test vectors, which geth's {@code p2p/rlpx_test.go} decrypts
 * with {@code ecies.Decrypt(…, nil, nil)}; the static shared secret of geth's {@code
 * TestSharedKeyStatic}; and the KDF output of geth's {@code TestKDF}. The EIP-8 encodings (Auth₂,
 * Ack₂) MAC a size prefix as shared info s2, which this scheme does not use, so they are not used.
 */
class EciesTest {
  private final SecureRandom random = new SecureRandom();

  // EIP-8 test vectors: static keys A and B, B's ephemeral key, the nonces, A's auth signature.
  private static final String KEY_A =
      "49a7b37aa6f6645917e7b807e9d1c00d4fa71f18343b0d4122a4d2df64dd6fee";
  private static final String KEY_B =
      "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";
  private static final String PUB_A =
      "fda1cff674c90c9a197539fe3dfb53086ace64f83ed7c6eabec741f7f381cc80"
          + "3e52ab2cd55d5569bce4347107a310dfd5f88a010cd2ffd1005ca406f1842877";
  private static final String EPH_PUB_B =
      "b6d82fa3409da933dbf9cb0140c5dde89f4e64aec88d476af648880f4a10e1e4"
          + "9fe35ef3e69e93dd300b4797765a747c6384a6ecf5db9c2690398607a86181e4";
  private static final String NONCE_A =
      "7e968bba13b6c50e2c4cd7f241cc0d64d1ac25c7f5952df231ac6a2bda8ee5d6";
  private static final String NONCE_B =
      "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd";
  private static final String AUTH_SIGNATURE =
      "299ca6acfd35e3d72d8ba3d1e2b60b5561d5af5218eb5bc182045769eb422691"
          + "0a301acae3b369fffc4a4899d6b02531e89fd4fe36a2cf0d93607ba470b50f7800";

  /**
   * Auth₁: A's handshake, sealed by geth to B's key. Plain: sig(65) hash(32) pub(64) nonce(32) 0.
   */
  private static final String AUTH_1 =
      "048ca79ad18e4b0659fab4853fe5bc58eb83992980f4c9cc147d2aa31532efd29a3d3dc6a3d89eaf"
          + "913150cfc777ce0ce4af2758bf4810235f6e6ceccfee1acc6b22c005e9e3a49d6448610a58e98744"
          + "ba3ac0399e82692d67c1f58849050b3024e21a52c9d3b01d871ff5f210817912773e610443a9ef14"
          + "2e91cdba0bd77b5fdf0769b05671fc35f83d83e4d3b0b000c6b2a1b1bba89e0fc51bf4e460df3105"
          + "c444f14be226458940d6061c296350937ffd5e3acaceeaaefd3c6f74be8e23e0f45163cc7ebd7622"
          + "0f0128410fd05250273156d548a414444ae2f7dea4dfca2d43c057adb701a715bf59f6fb66b2d1d2"
          + "0f2c703f851cbf5ac47396d9ca65b6260bd141ac4d53e2de585a73d1750780db4c9ee4cd4d225173"
          + "a4592ee77e2bd94d0be3691f3b406f9bba9b591fc63facc016bfa8";

  /** Ack₁: B's answer, sealed by geth to A's key. Plain: ephemeral pub(64) nonce(32) 0. */
  private static final String ACK_1 =
      "049f8abcfa9c0dc65b982e98af921bc0ba6e4243169348a236abe9df5f93aa69d99cadddaa387662"
          + "b0ff2c08e9006d5a11a278b1b3331e5aaabf0a32f01281b6f4ede0e09a2d5f585b26513cb794d963"
          + "5a57563921c04a9090b4f14ee42be1a5461049af4ea7a7f49bf4c97a352d39c8d02ee4acc416388c"
          + "1c66cec761d2bc1c72da6ba143477f049c9d2dde846c252c111b904f630ac98e51609b3b1f58168d"
          + "dca6505b7196532e5f85b259a20c45e1979491683fee108e9660edbf38f3add489ae73e3dda2c71b"
          + "d1497113d5c755e942d1";

  @Test
  void opensCiphertextsSealedByGoEthereum() throws Exception {
    try (PrivateKey a = PrivateKey.of(Hex.decode(KEY_A));
        PrivateKey b = PrivateKey.of(Hex.decode(KEY_B))) {
      byte[] auth = Ecies.decrypt(b, Hex.decode(AUTH_1));
      assertThat(auth).hasSize(194);
      assertThat(Hex.encode(Arrays.copyOfRange(auth, 0, 65))).isEqualTo(AUTH_SIGNATURE);
      assertThat(Hex.encode(Arrays.copyOfRange(auth, 97, 161))).isEqualTo(PUB_A);
      assertThat(Hex.encode(Arrays.copyOfRange(auth, 161, 193))).isEqualTo(NONCE_A);
      assertThat(auth[193]).isZero();

      byte[] ack = Ecies.decrypt(a, Hex.decode(ACK_1));
      assertThat(Hex.encode(ack)).isEqualTo(EPH_PUB_B + NONCE_B + "00");

      // sealed to B, so A cannot open it
      assertThatThrownBy(() -> Ecies.decrypt(a, Hex.decode(AUTH_1)))
          .isInstanceOf(Ecies.InvalidCiphertextException.class);
    }
  }

  @Test
  void agreesOnGoEthereumsStaticSharedSecret() {
    try (PrivateKey one =
            PrivateKey.of(
                Hex.decode("7ebbc6a8358bc76dd73ebc557056702c8cfc34e5cfcd90eb83af0347575fd2ad"));
        PrivateKey two =
            PrivateKey.of(
                Hex.decode("6a3d6396903245bba5837752b9e0348874e72db0c4e11e9c485a81b4ea4353b9"))) {
      String shared = "167ccc13ac5e8a26b131c3446030c60fbfac6aa8e31149d0869f93626a4cdf62";
      assertThat(Hex.encode(one.agree(two.publicKey()))).isEqualTo(shared);
      assertThat(Hex.encode(two.agree(one.publicKey()))).isEqualTo(shared);
      assertThat(Hex.encode(one.agreeInJava(two.publicKey()))).isEqualTo(shared);
    }
  }

  @Test
  void sealsWhatGoEthereumsParametersOpen() throws Exception {
    // The reference opener below is written from geth's parameters alone; it is first pinned to
    // geth: its KDF gives TestKDF's output and it opens geth's own ciphertext.
    assertThat(Hex.encode(GethParameters.kdf("input".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("858b192fa2ed4395e2bf88dd8d5770d67dc284ee539f12da8bceaa45d06ebae0");
    assertThat(Hex.encode(GethParameters.open(Hex.decode(KEY_A), Hex.decode(ACK_1))))
        .isEqualTo(EPH_PUB_B + NONCE_B + "00");

    try (PrivateKey bob = PrivateKey.generate(random)) {
      for (int length : new int[] {0, 1, 15, 16, 17, 200}) {
        byte[] plain = new byte[length];
        random.nextBytes(plain);
        byte[] sealed = Ecies.encrypt(bob.publicKey(), plain, random);
        assertThat(sealed).hasSize(65 + 16 + length + 32);
        assertThat(GethParameters.open(bob.toBytes(), sealed)).isEqualTo(plain);
      }
    }
  }

  @Test
  void roundTripsForTheRecipientOnly() throws Exception {
    try (PrivateKey bob = PrivateKey.generate(random);
        PrivateKey eve = PrivateKey.generate(random)) {
      byte[] plain = "secret".getBytes(StandardCharsets.UTF_8);
      byte[] sealed = Ecies.encrypt(bob.publicKey(), plain, random);
      assertThat(sealed).hasSize(plain.length + Ecies.OVERHEAD);
      assertThat(Ecies.decrypt(bob, sealed)).isEqualTo(plain);
      assertThatThrownBy(() -> Ecies.decrypt(eve, sealed))
          .isInstanceOf(Ecies.InvalidCiphertextException.class);
      // fresh ephemeral key and IV each time
      assertThat(Ecies.encrypt(bob.publicKey(), plain, random)).isNotEqualTo(sealed);
    }
  }

  @Test
  void anyAlterationIsDetected() throws Exception {
    try (PrivateKey bob = PrivateKey.generate(random)) {
      byte[] sealed = Ecies.encrypt(bob.publicKey(), new byte[40], random);
      for (int i = 0; i < sealed.length; i++) {
        byte[] altered = sealed.clone();
        altered[i] ^= 0x01;
        assertThatThrownBy(() -> Ecies.decrypt(bob, altered))
            .isInstanceOf(Ecies.InvalidCiphertextException.class);
      }
      assertThatThrownBy(() -> Ecies.decrypt(bob, new byte[10]))
          .isInstanceOf(Ecies.InvalidCiphertextException.class);
    }
  }

  /**
   * go-ethereum's ECIES_AES128_SHA256 decryption, from its parameters, with Bouncy Castle's curve
   * arithmetic and the JDK's SHA-256, HMAC and AES (none of {@link Ecies}): ephemeral point (65) ||
   * IV (16) || AES-128-CTR ciphertext || HMAC-SHA256(Km, IV || ciphertext) with K = concatenation
   * KDF over the shared x coordinate, Ke = K[0..16], Km = SHA-256(K[16..32]).
   */
  private static final class GethParameters {
    static byte[] kdf(byte[] z) throws Exception {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(new byte[] {0, 0, 0, 1}); // counter 1; one block covers 32 bytes of key
      return sha256.digest(z);
    }

    static byte[] open(byte[] recipientKey, byte[] message) throws Exception {
      var curve = CustomNamedCurves.getByName("secp256k1");
      ECPoint ephemeral = curve.getCurve().decodePoint(Arrays.copyOfRange(message, 0, 65));
      ECPoint shared = ephemeral.multiply(new BigInteger(1, recipientKey)).normalize();
      byte[] k = kdf(shared.getAffineXCoord().getEncoded());
      byte[] ke = Arrays.copyOfRange(k, 0, 16);
      byte[] km = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(k, 16, 32));
      byte[] iv = Arrays.copyOfRange(message, 65, 81);
      byte[] ciphertext = Arrays.copyOfRange(message, 81, message.length - 32);
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(km, "HmacSHA256"));
      hmac.update(iv);
      assertThat(hmac.doFinal(ciphertext))
          .as("HMAC-SHA256 tag")
          .isEqualTo(Arrays.copyOfRange(message, message.length - 32, message.length));
      Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(ke, "AES"), new IvParameterSpec(iv));
      return aes.doFinal(ciphertext);
    }
  }
}
