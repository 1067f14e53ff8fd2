package network.mysterium.secp256k1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The system libsecp256k1 (installed by scripts/prepare) against published values: the generator
 * point, and web3.js's documented signature of "Some data".
 */
class LibSecp256k1Test {
  private static final HexFormat HEX = HexFormat.of();
  private final LibSecp256k1 library =
      LibSecp256k1.load()
          .orElseThrow(
              () ->
                  new AssertionError(
                      "libsecp256k1 not found: scripts/prepare installs libsecp256k1-1"));

  // web3.eth.accounts.sign('Some data', key) in the web3.js documentation
  private static final byte[] KEY =
      HEX.parseHex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  private static final byte[] HASH =
      HEX.parseHex("1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655");
  private static final String SIGNATURE =
      "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
          + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a029"
          + "01"; // v = 0x1c, recovery id 1

  @Test
  void publicKeyOfOneIsTheGenerator() {
    byte[] one = new byte[32];
    one[31] = 1;
    assertThat(HEX.formatHex(library.publicKey(one)))
        .isEqualTo(
            "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
                + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
  }

  @Test
  void signsDeterministicallyAsOtherEthereumToolsDo() {
    assertThat(HEX.formatHex(library.signRecoverable(HASH, KEY))).isEqualTo(SIGNATURE);
  }

  @Test
  void recoversTheSignersKey() {
    byte[] signature = HEX.parseHex(SIGNATURE);
    assertThat(library.recover(Arrays.copyOf(signature, 64), signature[64], HASH))
        .hasValueSatisfying(key -> assertThat(key).isEqualTo(library.publicKey(KEY)));
  }

  @Test
  void recoveryOfAnotherHashGivesAnotherKey() {
    byte[] signature = HEX.parseHex(SIGNATURE);
    byte[] other = HASH.clone();
    other[0] ^= 1;
    assertThat(library.recover(Arrays.copyOf(signature, 64), signature[64], other))
        .hasValueSatisfying(key -> assertThat(key).isNotEqualTo(library.publicKey(KEY)));
  }

  @Test
  void rejectsSignaturesThatRecoverToNothing() {
    byte[] zeros = new byte[64];
    assertThat(library.recover(zeros, 0, HASH)).isEmpty();
    byte[] overflow = new byte[64];
    Arrays.fill(overflow, (byte) 0xff); // r and s above the group order
    assertThat(library.recover(overflow, 0, HASH)).isEmpty();
  }

  @Test
  void multiplicationIsCommutativeForEcdh() {
    byte[] a = HEX.parseHex("0000000000000000000000000000000000000000000000000000000000000007");
    byte[] b = KEY;
    assertThat(library.multiply(library.publicKey(a), b))
        .isEqualTo(library.multiply(library.publicKey(b), a));
  }

  @Test
  void constantTimeEcdhGivesTheXOfTheTweakMultiplication() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    for (int i = 0; i < 200; i++) {
      byte[] a = new byte[32];
      byte[] b = new byte[32];
      random.nextBytes(a);
      random.nextBytes(b);
      a[0] &= 0x7f; // below the group order
      b[0] &= 0x7f;
      byte[] pointB = library.publicKey(b);
      byte[] viaTweak = library.multiply(pointB, a);
      assertThat(library.ecdh(pointB, a)).isEqualTo(Arrays.copyOfRange(viaTweak, 1, 33));
      assertThat(library.ecdh(pointB, a)).isEqualTo(library.ecdh(library.publicKey(a), b));
    }
  }

  @Test
  void constantTimeEcdhRefusesBadPointsAndKeys() {
    byte[] notAPoint = new byte[65];
    notAPoint[0] = 4;
    assertThatThrownBy(() -> library.ecdh(notAPoint, KEY)).hasMessageContaining("not a point");
    assertThatThrownBy(() -> library.ecdh(library.publicKey(KEY), new byte[32]))
        .hasMessageContaining("out of range");
  }

  @Test
  void aMissingOrForeignLibraryLoadsAsNothingSoCallersFallBack() {
    assertThat(LibSecp256k1.load(java.util.List.of("/nonexistent/libsecp256k1.so.1"))).isEmpty();
    assertThat(LibSecp256k1.load(java.util.List.of("libc.so.6"))).isEmpty(); // no secp symbols
  }

  @Test
  void rejectsBadInputWithReasons() {
    assertThatThrownBy(() -> library.publicKey(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    byte[] notAPoint = new byte[65];
    notAPoint[0] = 4;
    assertThatThrownBy(() -> library.multiply(notAPoint, KEY)).hasMessageContaining("not a point");
    assertThatThrownBy(() -> library.recover(new byte[63], 0, HASH))
        .hasMessageContaining("64 bytes");
  }
}
