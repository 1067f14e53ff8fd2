package network.mysterium.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SignatureTest {
  private static final byte[] HASH = Keccak.hash("a message".getBytes(StandardCharsets.UTF_8));

  @Test
  void signThenRecoverGivesTheSignersAddressForManyKeys() throws Exception {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 50; i++) {
      try (PrivateKey key = PrivateKey.generate(random)) {
        Signature signature = key.sign(HASH);
        assertThat(signature.isHighS()).isFalse();
        assertThat(signature.recoverAddress(HASH)).isEqualTo(key.address());
        assertThat(Signature.parse(signature.toBytes())).isEqualTo(signature);
      }
    }
  }

  @Test
  void signingIsDeterministic() {
    try (PrivateKey key = PrivateKey.of(Hex.decode("01".repeat(32)))) {
      assertThat(key.sign(HASH)).isEqualTo(key.sign(HASH));
    }
  }

  @Test
  void recoveryOfAnotherHashGivesAnotherAddress() throws Exception {
    try (PrivateKey key = PrivateKey.generate(new SecureRandom())) {
      Signature signature = key.sign(HASH);
      byte[] other = Keccak.hash("another message".getBytes(StandardCharsets.UTF_8));
      assertThat(signature.recoverAddress(other)).isNotEqualTo(key.address());
    }
  }

  @Test
  void highSTwinOfAValidSignatureIsRejected() throws Exception {
    try (PrivateKey key = PrivateKey.generate(new SecureRandom())) {
      Signature low = key.sign(HASH);
      // (r, n - s) with the other recovery id verifies under plain ECDSA: the malleated twin.
      Signature high =
          new Signature(low.r(), Secp256k1.N.subtract(low.s()), low.v() == 27 ? 28 : 27);
      assertThat(high.isHighS()).isTrue();
      assertThatThrownBy(() -> high.recoverAddress(HASH))
          .isInstanceOf(InvalidSignatureException.class)
          .hasMessageContaining("malleable");
    }
  }

  @Test
  void malformedSignaturesAreRejectedWithReason() {
    assertThatThrownBy(() -> Signature.parse(new byte[64])).hasMessageContaining("65 bytes");
    byte[] zeroR = new byte[65];
    zeroR[63] = 1;
    zeroR[64] = 27;
    assertThatThrownBy(() -> Signature.parse(zeroR)).hasMessageContaining("r is out of range");
    assertThatThrownBy(() -> new Signature(BigInteger.ONE, BigInteger.ONE, 29))
        .hasMessageContaining("v must be 27 or 28");
    assertThatThrownBy(() -> Signature.parseHex("0xnothex")).hasMessageContaining("hex");
  }

  @Test
  void vZeroOrOneIsReadAsTwentySevenOrTwentyEight() {
    byte[] bytes = new byte[65];
    bytes[31] = 1;
    bytes[63] = 1;
    bytes[64] = 1;
    assertThat(Signature.parse(bytes).v()).isEqualTo(28);
  }

  @Test
  void privateKeyNeverShowsItsBytesAndIsZeroedWhenDestroyed() {
    PrivateKey key = PrivateKey.of(Hex.decode("ab".repeat(32)));
    assertThat(key.toString()).doesNotContain("abab");
    key.destroy();
    assertThat(key.isDestroyed()).isTrue();
    assertThatThrownBy(key::toBytes).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void outOfRangePrivateKeysAreRejected() {
    assertThatThrownBy(() -> PrivateKey.of(new byte[32])).hasMessageContaining("out of range");
    assertThatThrownBy(() -> PrivateKey.of(Secp256k1.toBytes32(Secp256k1.N)))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> PrivateKey.of(new byte[31])).hasMessageContaining("32 bytes");
  }
}
