package network.mysterium.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import network.mysterium.crypto.Hex;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.Test;

class ScryptTest {
  /** RFC 7914 section 12, the first two vectors. */
  @Test
  void rfc7914Vectors() {
    assertThat(Hex.encode(Scrypt.derive(new byte[0], new byte[0], 16, 1, 1, 64)))
        .isEqualTo(
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    assertThat(Hex.encode(Scrypt.derive(bytes("password"), bytes("NaCl"), 1024, 8, 16, 64)))
        .isEqualTo(
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
  }

  /** Agrees with Bouncy Castle's independent implementation wherever that one accepts the input. */
  @Test
  void agreesWithBouncyCastle() {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      byte[] password = new byte[random.nextInt(40)];
      byte[] salt = new byte[random.nextInt(40)];
      random.nextBytes(password);
      random.nextBytes(salt);
      int n = 1 << (1 + random.nextInt(9));
      int r = 1 + random.nextInt(4);
      int p = 1 + random.nextInt(3);
      assertThat(Scrypt.derive(password, salt, n, r, p, 32))
          .as("n=%d r=%d p=%d", n, r, p)
          .isEqualTo(SCrypt.generate(password, salt, n, r, p, 32));
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
