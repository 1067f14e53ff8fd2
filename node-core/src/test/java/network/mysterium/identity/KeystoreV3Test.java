package network.mysterium.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.identity.KeystoreException.Reason;
import org.junit.jupiter.api.Test;

class KeystoreV3Test {
  private static final char[] SPEC_PASSWORD = "testpassword".toCharArray();
  private static final String SPEC_KEY =
      "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
  private static final Address SPEC_ADDRESS =
      Address.parse("0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b");

  static String resource(String name) throws IOException {
    try (InputStream in = KeystoreV3Test.class.getResourceAsStream("/keystore/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The Web3 Secret Storage definition's PBKDF2-SHA-256 test vector. */
  @Test
  void specificationPbkdf2VectorDecrypts() throws Exception {
    try (PrivateKey key = KeystoreV3.decrypt(resource("spec-pbkdf2.json"), SPEC_PASSWORD, "v")) {
      assertThat(Hex.encode(key.toBytes())).isEqualTo(SPEC_KEY);
      assertThat(key.address()).isEqualTo(SPEC_ADDRESS);
    }
  }

  /** The Web3 Secret Storage definition's scrypt test vector. */
  @Test
  void specificationScryptVectorDecrypts() throws Exception {
    try (PrivateKey key = KeystoreV3.decrypt(resource("spec-scrypt.json"), SPEC_PASSWORD, "v")) {
      assertThat(Hex.encode(key.toBytes())).isEqualTo(SPEC_KEY);
    }
  }

  @Test
  void encryptThenDecryptGivesTheSameKey() throws Exception {
    SecureRandom random = new SecureRandom();
    try (PrivateKey key = PrivateKey.generate(random)) {
      String json = KeystoreV3.encrypt(key, "pässphrase".toCharArray(), KdfParams.LIGHT, random);
      assertThat(json).doesNotContain(Hex.encode(key.toBytes()));
      assertThat(KeystoreV3.declaredAddress(json, "new")).contains(key.address());
      try (PrivateKey back = KeystoreV3.decrypt(json, "pässphrase".toCharArray(), "new")) {
        assertThat(back.toBytes()).isEqualTo(key.toBytes());
      }
    }
  }

  @Test
  void wrongPassphraseIsRefused() {
    assertThatThrownBy(
            () ->
                KeystoreV3.decrypt(resource("spec-pbkdf2.json"), "testpassworD".toCharArray(), "f"))
        .isInstanceOf(KeystoreException.class)
        .hasMessage("f: wrong passphrase")
        .extracting(e -> ((KeystoreException) e).reason())
        .isEqualTo(Reason.WRONG_PASSPHRASE);
  }

  @Test
  void truncatedJsonIsMalformed() throws IOException {
    String json = resource("spec-pbkdf2.json");
    assertReason(json.substring(0, json.length() / 2), Reason.MALFORMED, "not valid JSON");
    assertReason("", Reason.MALFORMED, "not a JSON object");
  }

  @Test
  void unknownKdfIsUnsupported() throws IOException {
    String json = resource("spec-scrypt.json").replace("\"scrypt\"", "\"argon2id\"");
    assertReason(json, Reason.UNSUPPORTED, "unsupported KDF 'argon2id'");
  }

  @Test
  void unsupportedCipherAndVersionAreNamed() throws IOException {
    assertReason(
        resource("spec-scrypt.json").replace("aes-128-ctr", "aes-128-cbc"),
        Reason.UNSUPPORTED,
        "unsupported cipher 'aes-128-cbc'");
    assertReason(
        resource("spec-scrypt.json").replace("\"version\" : 3", "\"version\" : 1"),
        Reason.UNSUPPORTED,
        "keystore version 1");
  }

  @Test
  void nonHexFieldsAreMalformed() throws IOException {
    String json =
        resource("spec-pbkdf2.json")
            .replace("5318b4d5bcd28de64ee5559e671353e1", "5318b4d5bcd28de64ee5559e67135xyz");
    assertReason(json, Reason.MALFORMED, "'ciphertext' not a hex digit");
  }

  @Test
  void missingFieldsAreNamed() throws IOException {
    assertReason(
        resource("spec-pbkdf2.json").replace("\"mac\"", "\"nac\""),
        Reason.MALFORMED,
        "missing 'mac'");
  }

  @Test
  void absurdKdfCostIsRefusedBeforeAnyWork() throws IOException {
    String json = resource("spec-scrypt.json").replace("\"n\" : 262144", "\"n\" : 1073741824");
    assertReason(json, Reason.UNSUPPORTED, "more than 1 GiB");
  }

  @Test
  void anAddressFieldThatDoesNotMatchTheKeyIsMalformed() throws Exception {
    String json =
        resource("spec-pbkdf2.json")
            .replace(
                "\"version\"",
                "\"address\" : \"0000000000000000000000000000000000000001\", \"version\"");
    assertThatThrownBy(() -> KeystoreV3.decrypt(json, SPEC_PASSWORD, "f"))
        .hasMessageContaining("address field does not match");
  }

  private static void assertReason(String json, Reason reason, String message) {
    assertThatThrownBy(() -> KeystoreV3.decrypt(json, SPEC_PASSWORD, "file.json"))
        .isInstanceOf(KeystoreException.class)
        .hasMessageContaining("file.json")
        .hasMessageContaining(message)
        .extracting(e -> ((KeystoreException) e).reason())
        .isEqualTo(reason);
  }
}
