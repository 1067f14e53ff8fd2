package network.mysterium.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class EciesTest {
  private final SecureRandom random = new SecureRandom();

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
}
