package network.mysterium.identity;

import static network.mysterium.identity.KeystoreException.Reason.MALFORMED;
import static network.mysterium.identity.KeystoreException.Reason.UNSUPPORTED;
import static network.mysterium.identity.KeystoreException.Reason.WRONG_PASSPHRASE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.Keccak;
import network.mysterium.crypto.PrivateKey;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The Web3 Secret Storage format, version 3: a private key encrypted with AES-128-CTR under a key
 * derived from a passphrase by scrypt (or PBKDF2-HMAC-SHA256), authenticated by keccak256(derived
 * key[16..32] || ciphertext). The format geth, MetaMask, ethers and Foundry read and write.
 *
 * <p>Pure functions: no files. {@link Keystore} stores the documents.
 */
public final class KeystoreV3 {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DKLEN = 32;

  private KeystoreV3() {}

  /** Encrypts a key under a passphrase with new random salt, IV and id. */
  public static String encrypt(
      PrivateKey key, char[] passphrase, KdfParams.Scrypt params, SecureRandom random) {
    byte[] salt = new byte[32];
    byte[] iv = new byte[16];
    random.nextBytes(salt);
    random.nextBytes(iv);
    byte[] password = utf8(passphrase);
    byte[] derived = Scrypt.derive(password, salt, params.n(), params.r(), params.p(), DKLEN);
    byte[] plain = key.toBytes();
    try {
      byte[] ciphertext = aes128Ctr(derived, iv, plain);
      byte[] mac = Keccak.hash(Arrays.copyOfRange(derived, 16, 32), ciphertext);
      ObjectNode root = JSON.createObjectNode();
      root.put("address", key.address().toLowerHex());
      ObjectNode crypto = root.putObject("crypto");
      crypto.put("cipher", "aes-128-ctr");
      crypto.putObject("cipherparams").put("iv", Hex.encode(iv));
      crypto.put("ciphertext", Hex.encode(ciphertext));
      crypto.put("kdf", "scrypt");
      ObjectNode kdf = crypto.putObject("kdfparams");
      kdf.put("dklen", DKLEN);
      kdf.put("n", params.n());
      kdf.put("p", params.p());
      kdf.put("r", params.r());
      kdf.put("salt", Hex.encode(salt));
      crypto.put("mac", Hex.encode(mac));
      root.put("id", UUID.randomUUID().toString());
      root.put("version", 3);
      return root.toString();
    } finally {
      Arrays.fill(password, (byte) 0);
      Arrays.fill(derived, (byte) 0);
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Decrypts a keystore document.
   *
   * @param source names the document in error messages (a file name, or "input")
   * @throws KeystoreException WRONG_PASSPHRASE, MALFORMED or UNSUPPORTED, naming {@code source}
   */
  public static PrivateKey decrypt(String json, char[] passphrase, String source)
      throws KeystoreException {
    Parsed parsed = parse(json, source);
    byte[] password = utf8(passphrase);
    // ethers normalises passphrases to NFKC before use; geth uses the bytes as typed. Try both so
    // a non-ASCII passphrase opens keys from either family.
    char[] normalized =
        Normalizer.normalize(CharBuffer.wrap(passphrase), Normalizer.Form.NFKC).toCharArray();
    byte[] alternative = utf8(normalized);
    Arrays.fill(normalized, '\0');
    try {
      byte[] derived = derive(parsed, password);
      if (!macMatches(parsed, derived) && !Arrays.equals(alternative, password)) {
        Arrays.fill(derived, (byte) 0);
        derived = derive(parsed, alternative);
      }
      if (!macMatches(parsed, derived)) {
        Arrays.fill(derived, (byte) 0);
        throw new KeystoreException(WRONG_PASSPHRASE, source, "wrong passphrase");
      }
      byte[] plain = aes128Ctr(derived, parsed.iv(), parsed.ciphertext());
      Arrays.fill(derived, (byte) 0);
      PrivateKey key;
      try {
        key = PrivateKey.of(plain);
      } catch (IllegalArgumentException e) {
        throw new KeystoreException(MALFORMED, source, "decrypted key is invalid");
      } finally {
        Arrays.fill(plain, (byte) 0);
      }
      if (parsed.address().isPresent() && !parsed.address().get().equals(key.address())) {
        key.destroy();
        throw new KeystoreException(MALFORMED, source, "the address field does not match the key");
      }
      return key;
    } finally {
      Arrays.fill(password, (byte) 0);
      Arrays.fill(alternative, (byte) 0);
    }
  }

  /**
   * Checks the document's structure without the passphrase and returns the address it declares
   * (geth and ethers write one; Foundry's cast does not).
   */
  public static Optional<Address> declaredAddress(String json, String source)
      throws KeystoreException {
    return parse(json, source).address();
  }

  private record Parsed(
      Optional<Address> address,
      byte[] iv,
      byte[] ciphertext,
      byte[] mac,
      KdfParams kdf,
      byte[] salt) {}

  private static JsonNode readTree(String json, String source) throws KeystoreException {
    try {
      JsonNode root = JSON.readTree(json);
      if (root == null || !root.isObject()) {
        throw new KeystoreException(MALFORMED, source, "not a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new KeystoreException(
          MALFORMED, source, "not valid JSON (" + e.getOriginalMessage() + ")");
    }
  }

  private static Parsed parse(String json, String source) throws KeystoreException {
    JsonNode root = readTree(json, source);
    JsonNode version = root.get("version");
    if (version == null || !version.canConvertToInt()) {
      throw malformed(source, "no version");
    }
    if (version.asInt() != 3) {
      throw new KeystoreException(
          UNSUPPORTED, source, "keystore version " + version.asInt() + " (only 3)");
    }
    // Version 3 says "crypto"; some wallets (MyEtherWallet) wrote "Crypto".
    JsonNode crypto = root.has("crypto") ? root.get("crypto") : root.get("Crypto");
    if (crypto == null || !crypto.isObject()) {
      throw malformed(source, "no crypto section");
    }
    String cipher = text(crypto, "cipher", source);
    if (!cipher.equals("aes-128-ctr")) {
      throw new KeystoreException(UNSUPPORTED, source, "unsupported cipher '" + cipher + "'");
    }
    JsonNode cipherParams = crypto.path("cipherparams");
    byte[] iv = hex(cipherParams, "iv", 16, source);
    byte[] ciphertext = hex(crypto, "ciphertext", 32, source);
    byte[] mac = hex(crypto, "mac", 32, source);
    String kdfName = text(crypto, "kdf", source);
    JsonNode kdfParams = crypto.path("kdfparams");
    if (!kdfParams.isObject()) {
      throw malformed(source, "no kdfparams");
    }
    int dklen = integer(kdfParams, "dklen", source);
    if (dklen != DKLEN) {
      throw new KeystoreException(UNSUPPORTED, source, "dklen " + dklen + " (only 32)");
    }
    byte[] salt = hex(kdfParams, "salt", -1, source);
    KdfParams kdf;
    try {
      kdf =
          switch (kdfName) {
            case "scrypt" ->
                new KdfParams.Scrypt(
                    integer(kdfParams, "n", source),
                    integer(kdfParams, "r", source),
                    integer(kdfParams, "p", source));
            case "pbkdf2" -> {
              String prf = text(kdfParams, "prf", source);
              if (!prf.equals("hmac-sha256")) {
                throw new KeystoreException(
                    UNSUPPORTED, source, "unsupported pbkdf2 prf '" + prf + "'");
              }
              yield new KdfParams.Pbkdf2(integer(kdfParams, "c", source));
            }
            default ->
                throw new KeystoreException(
                    UNSUPPORTED, source, "unsupported KDF '" + kdfName + "'");
          };
    } catch (IllegalArgumentException e) {
      throw new KeystoreException(UNSUPPORTED, source, e.getMessage());
    }
    Optional<Address> address = Optional.empty();
    if (root.hasNonNull("address")) {
      try {
        address = Optional.of(Address.parse(root.get("address").asText()));
      } catch (IllegalArgumentException e) {
        throw malformed(source, "address: " + e.getMessage());
      }
    }
    return new Parsed(address, iv, ciphertext, mac, kdf, salt);
  }

  private static byte[] derive(Parsed parsed, byte[] password) {
    return switch (parsed.kdf()) {
      case KdfParams.Scrypt s -> Scrypt.derive(password, parsed.salt(), s.n(), s.r(), s.p(), DKLEN);
      case KdfParams.Pbkdf2 p -> {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA256Digest());
        generator.init(password, parsed.salt(), p.c());
        yield ((KeyParameter) generator.generateDerivedParameters(DKLEN * 8)).getKey();
      }
    };
  }

  private static boolean macMatches(Parsed parsed, byte[] derived) {
    byte[] mac = Keccak.hash(Arrays.copyOfRange(derived, 16, 32), parsed.ciphertext());
    return MessageDigest.isEqual(mac, parsed.mac());
  }

  private static byte[] aes128Ctr(byte[] derived, byte[] iv, byte[] input) {
    SICBlockCipher ctr = new SICBlockCipher(AESEngine.newInstance());
    byte[] aesKey = Arrays.copyOfRange(derived, 0, 16);
    ctr.init(true, new ParametersWithIV(new KeyParameter(aesKey), iv));
    Arrays.fill(aesKey, (byte) 0);
    byte[] out = new byte[input.length];
    ctr.processBytes(input, 0, input.length, out, 0);
    return out;
  }

  private static byte[] utf8(char[] chars) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return bytes;
  }

  private static String text(JsonNode node, String field, String source) throws KeystoreException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw malformed(source, "missing '" + field + "'");
    }
    return value.asText();
  }

  private static int integer(JsonNode node, String field, String source) throws KeystoreException {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
      throw malformed(source, "'" + field + "' is not an integer");
    }
    return value.asInt();
  }

  /** Hex field of {@code length} bytes, or of any non-empty length when {@code length} < 0. */
  private static byte[] hex(JsonNode node, String field, int length, String source)
      throws KeystoreException {
    String text = text(node, field, source);
    try {
      byte[] bytes = length < 0 ? Hex.decode(text) : Hex.decode(text, length);
      if (bytes.length == 0) {
        throw new IllegalArgumentException("empty");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw malformed(source, "'" + field + "' " + e.getMessage());
    }
  }

  private static KeystoreException malformed(String source, String detail) {
    return new KeystoreException(MALFORMED, source, detail);
  }
}
