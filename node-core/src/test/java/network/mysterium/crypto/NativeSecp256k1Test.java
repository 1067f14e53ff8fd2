package network.mysterium.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.junit.jupiter.api.Test;

/**
 * The libsecp256k1 path (used when the system has the library, as scripts/prepare ensures) gives
 * exactly what the Bouncy Castle path gives: same signatures, same recovered keys, same ECDH.
 */
class NativeSecp256k1Test {
  @Test
  void theNativeLibraryIsInUse() {
    assertThat(Secp256k1.NATIVE)
        .as("libsecp256k1 (scripts/prepare installs libsecp256k1-1)")
        .isPresent();
  }

  @Test
  void nativeAndJavaAgreeOnSignaturesKeysAndRecovery() throws Exception {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 200; i++) {
      byte[] hash = new byte[32];
      random.nextBytes(hash);
      try (PrivateKey key = PrivateKey.generate(random)) {
        Signature signature = key.sign(hash);
        assertThat(signature).isEqualTo(key.signInJava(hash));
        assertThat(key.publicKey())
            .isEqualTo(
                PublicKey.of(
                    new FixedPointCombMultiplier()
                        .multiply(Secp256k1.DOMAIN.getG(), new BigInteger(1, key.toBytes()))));
        assertThat(signature.recoverPublicKey(hash))
            .isEqualTo(signature.recoverInJava(hash))
            .isEqualTo(key.publicKey());
        // a random signature over the hash: both recover the same (unknown) key, or both refuse
        byte[] r = new byte[32];
        random.nextBytes(r);
        Signature arbitrary =
            new Signature(new BigInteger(1, r).mod(Secp256k1.N), signature.s(), signature.v());
        assertSameOutcome(arbitrary, hash);
      }
    }
  }

  @Test
  void nativeAndJavaAgreeOnEcdh() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 200; i++) {
      try (PrivateKey a = PrivateKey.generate(random);
          PrivateKey b = PrivateKey.generate(random)) {
        byte[] shared = a.agree(b.publicKey());
        assertThat(shared).isEqualTo(b.agree(a.publicKey()));
        assertThat(a.agreeInJava(b.publicKey())).isEqualTo(shared);
        assertThat(b.agreeInJava(a.publicKey())).isEqualTo(shared);
        assertThat(shared)
            .isEqualTo(
                Secp256k1.toBytes32(
                    b.publicKey()
                        .point()
                        .multiply(new BigInteger(1, a.toBytes()))
                        .normalize()
                        .getAffineXCoord()
                        .toBigInteger()));
      }
    }
  }

  @Test
  void theJavaLadderAgreesWithBouncyCastleAtTheEdgesOfTheScalarRange() {
    SecureRandom random = new SecureRandom();
    PublicKey peer;
    try (PrivateKey p = PrivateKey.generate(random)) {
      peer = p.publicKey();
    }
    for (BigInteger d :
        new BigInteger[] {
          BigInteger.ONE,
          BigInteger.TWO,
          BigInteger.valueOf(3),
          Secp256k1.HALF_N,
          Secp256k1.N.subtract(BigInteger.TWO),
          Secp256k1.N.subtract(BigInteger.ONE)
        }) {
      try (PrivateKey key = PrivateKey.of(Secp256k1.toBytes32(d))) {
        byte[] expected =
            Secp256k1.toBytes32(
                peer.point().multiply(d).normalize().getAffineXCoord().toBigInteger());
        assertThat(key.agreeInJava(peer)).as("d = %s", d).isEqualTo(expected);
        assertThat(key.agree(peer)).as("native, d = %s", d).isEqualTo(expected);
      }
    }
  }

  @Test
  void aDestroyedKeyCannotSignNatively() {
    PrivateKey key = PrivateKey.generate(new SecureRandom());
    key.destroy();
    assertThatThrownBy(() -> key.sign(new byte[32])).hasMessageContaining("destroyed");
  }

  private static void assertSameOutcome(Signature signature, byte[] hash) {
    PublicKey viaNative;
    try {
      viaNative = signature.recoverPublicKey(hash);
    } catch (InvalidSignatureException e) {
      assertThatThrownBy(() -> signature.recoverInJava(hash))
          .isInstanceOf(InvalidSignatureException.class);
      return;
    }
    try {
      assertThat(signature.recoverInJava(hash)).isEqualTo(viaNative);
    } catch (InvalidSignatureException e) {
      throw new AssertionError("Java refused what libsecp256k1 recovered", e);
    }
  }
}
