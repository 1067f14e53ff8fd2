package network.mysterium.service.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** Our initiator against our responder, and what each refuses. */
class HandshakeTest {
  private final SecureRandom random = new SecureRandom();
  private final byte[] alice = WireGuardCrypto.newPrivateKey(random);
  private final byte[] bob = WireGuardCrypto.newPrivateKey(random);
  private final byte[] psk = new byte[32];
  private final Responder responder = new Responder(bob, psk);

  private Responder.Answer answer(byte[] initiation) throws Exception {
    return responder.answer(
        initiation,
        key -> Arrays.equals(key, WireGuardCrypto.publicKey(alice)),
        key -> new byte[12],
        77,
        random);
  }

  @Test
  void ourPeersCompleteAHandshakeAndCarryPacketsBothWays() throws Exception {
    Initiator initiator = new Initiator(alice, WireGuardCrypto.publicKey(bob), psk, 42);
    Responder.Answer answer = answer(initiator.initiation(random, Instant.now()));
    assertThat(answer.peerPublic()).isEqualTo(WireGuardCrypto.publicKey(alice));
    Session a = initiator.consume(answer.response());
    Session b = answer.session();

    byte[] hello = "hello over wireguard".getBytes(StandardCharsets.US_ASCII);
    assertThat(Arrays.copyOf(b.open(a.seal(hello)), hello.length)).isEqualTo(hello);
    assertThat(Arrays.copyOf(a.open(b.seal(hello)), hello.length)).isEqualTo(hello);
    assertThat(b.open(a.seal(new byte[17]))).hasSize(32); // padded to 16 bytes
  }

  @Test
  void replaysTamperingAndStrangersAreRefused() throws Exception {
    Initiator initiator = new Initiator(alice, WireGuardCrypto.publicKey(bob), psk, 1);
    byte[] initiation = initiator.initiation(random, Instant.now());
    Responder.Answer answer = answer(initiation);
    Session a = initiator.consume(answer.response());
    Session b = answer.session();

    byte[] message = a.seal(new byte[20]);
    b.open(message);
    assertThatThrownBy(() -> b.open(message))
        .isInstanceOf(AEADBadTagException.class)
        .hasMessageContaining("replayed");
    byte[] tampered = a.seal(new byte[20]);
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> b.open(tampered)).isInstanceOf(AEADBadTagException.class);

    // the same initiation again: its timestamp is not newer than the one seen
    assertThatThrownBy(
            () -> responder.answer(initiation, key -> true, key -> answer.timestamp(), 2, random))
        .hasMessageContaining("replayed initiation");
    // a stranger: mac1 is right (it knows bob's public key) but alice is not a peer
    assertThatThrownBy(
            () -> responder.answer(initiation, key -> false, key -> new byte[12], 3, random))
        .hasMessageContaining("unknown peer");
    byte[] badMac = initiation.clone();
    badMac[120] ^= 1;
    assertThatThrownBy(() -> answer(badMac)).hasMessageContaining("mac1");
    // a response for another handshake, or forged
    byte[] forged = answer.response().clone();
    forged[50] ^= 1;
    Initiator again = new Initiator(alice, WireGuardCrypto.publicKey(bob), psk, 77 + 1);
    again.initiation(random, Instant.now());
    assertThatThrownBy(() -> again.consume(answer.response()))
        .hasMessageContaining("another handshake");
  }

  @Test
  void theReplayWindowTakesOutOfOrderCountersOnceAndForgetsOldOnes() {
    ReplayWindow window = new ReplayWindow();
    assertThat(window.accept(5)).isTrue();
    assertThat(window.accept(3)).isTrue(); // late but within the window
    assertThat(window.accept(3)).isFalse();
    assertThat(window.accept(5000)).isTrue();
    assertThat(window.accept(5000 - ReplayWindow.SIZE + 1)).isTrue();
    assertThat(window.accept(5000 - ReplayWindow.SIZE)).isFalse(); // too old
    assertThat(window.accept(4)).isFalse();
    assertThat(window.accept(-1)).isFalse();
  }
}
