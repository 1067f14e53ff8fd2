package network.mysterium.service.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** Our initiator against our responder, and what each refuses. */
class HandshakeTest {
  private final SecureRandom random = new SecureRandom();
  private final byte[] alice = WireGuardCrypto.newPrivateKey(random);
  private final byte[] bob = WireGuardCrypto.newPrivateKey(random);
  private final byte[] psk = new byte[32];
  private final Responder responder = new Responder(bob);

  private Responder.Answer answer(byte[] initiation) throws Exception {
    return responder.answer(
        initiation,
        key ->
            Arrays.equals(key, WireGuardCrypto.publicKey(alice))
                ? new Responder.KnownPeer(new byte[12], psk)
                : null,
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
            () ->
                responder.answer(
                    initiation, key -> new Responder.KnownPeer(answer.timestamp(), psk), 2, random))
        .extracting(e -> ((Initiator.HandshakeException) e).refusal())
        .isEqualTo(HandshakeRefusal.REPLAY);
    // a stranger: mac1 is right (it knows bob's public key) but alice is not a peer
    assertThatThrownBy(() -> responder.answer(initiation, key -> null, 3, random))
        .extracting(e -> ((Initiator.HandshakeException) e).refusal())
        .isEqualTo(HandshakeRefusal.UNKNOWN_PEER);
    byte[] badMac = initiation.clone();
    badMac[120] ^= 1;
    assertThatThrownBy(() -> answer(badMac))
        .extracting(e -> ((Initiator.HandshakeException) e).refusal())
        .isEqualTo(HandshakeRefusal.BAD_MAC1);
    // a response for another handshake, or forged
    byte[] forged = answer.response().clone();
    forged[50] ^= 1;
    Initiator again = new Initiator(alice, WireGuardCrypto.publicKey(bob), psk, 77 + 1);
    again.initiation(random, Instant.now());
    assertThatThrownBy(() -> again.consume(answer.response()))
        .extracting(e -> ((Initiator.HandshakeException) e).refusal())
        .isEqualTo(HandshakeRefusal.WRONG_HANDSHAKE);
  }

  @Test
  void lowOrderPointsAndFloodingPeersAreTypedRefusalsNotExceptionsOfTheRuntime() throws Exception {
    // an initiation whose ephemeral key is the point u=0 (low order), with a valid mac1: anyone
    // who knows bob's public key can make it
    byte[] initiation = new byte[Initiator.INITIATION_SIZE];
    random.nextBytes(initiation);
    initiation[0] = 1;
    initiation[1] = initiation[2] = initiation[3] = 0;
    Arrays.fill(initiation, 8, 40, (byte) 0);
    byte[] mac1Key =
        WireGuardCrypto.hash(WireGuardCrypto.LABEL_MAC1, WireGuardCrypto.publicKey(bob));
    System.arraycopy(WireGuardCrypto.mac(mac1Key, initiation, 116), 0, initiation, 116, 16);
    assertThatThrownBy(() -> answer(initiation))
        .isInstanceOf(Initiator.HandshakeException.class)
        .extracting(e -> ((Initiator.HandshakeException) e).refusal())
        .isEqualTo(HandshakeRefusal.LOW_ORDER_POINT);

    // a response whose ephemeral key is of low order
    Initiator initiator = new Initiator(alice, WireGuardCrypto.publicKey(bob), psk, 9);
    initiator.initiation(random, Instant.now());
    byte[] response = new byte[Initiator.RESPONSE_SIZE];
    response[0] = 2;
    response[8] = 9;
    byte[] responseMac1Key =
        WireGuardCrypto.hash(WireGuardCrypto.LABEL_MAC1, WireGuardCrypto.publicKey(alice));
    System.arraycopy(WireGuardCrypto.mac(responseMac1Key, response, 60), 0, response, 60, 16);
    assertThatThrownBy(() -> initiator.consume(response))
        .extracting(e -> ((Initiator.HandshakeException) e).refusal())
        .isEqualTo(HandshakeRefusal.LOW_ORDER_POINT);

    // a known peer whose last initiation was taken less than 1/50 s ago
    byte[] fresh =
        new Initiator(alice, WireGuardCrypto.publicKey(bob), psk, 10)
            .initiation(random, Instant.now());
    assertThatThrownBy(
            () ->
                responder.answer(
                    fresh, key -> new Responder.KnownPeer(new byte[12], psk, true), 2, random))
        .extracting(e -> ((Initiator.HandshakeException) e).refusal())
        .isEqualTo(HandshakeRefusal.FLOOD);
  }

  @Test
  void hchacha20MatchesTheXChaChaDraftVectorAndCookieRepliesOpenOnlyForTheirMessage()
      throws Exception {
    // draft-irtf-cfrg-xchacha-03, section 2.2.1
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) i;
    }
    byte[] nonce = HexFormat.of().parseHex("000000090000004a0000000031415927");
    assertThat(HexFormat.of().formatHex(WireGuardCrypto.hchacha20(key, nonce)))
        .isEqualTo("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");

    Cookies cookies = new Cookies(WireGuardCrypto.publicKey(bob), random);
    java.net.InetSocketAddress sender = new java.net.InetSocketAddress("192.0.2.7", 51820);
    byte[] mac1 = new byte[16];
    random.nextBytes(mac1);
    byte[] reply = cookies.reply(5, mac1, sender, 0);
    byte[] cookie = Cookies.openReply(reply, WireGuardCrypto.publicKey(bob), mac1);
    assertThat(cookie).isEqualTo(cookies.cookieFor(sender, 1));
    byte[] otherMac1 = mac1.clone();
    otherMac1[0] ^= 1;
    assertThatThrownBy(() -> Cookies.openReply(reply, WireGuardCrypto.publicKey(bob), otherMac1))
        .isInstanceOf(AEADBadTagException.class);
    // the cookie is for that address only, and changes with the secret every two minutes
    assertThat(cookies.cookieFor(new java.net.InetSocketAddress("192.0.2.8", 51820), 1))
        .isNotEqualTo(cookie);
    assertThat(cookies.cookieFor(sender, Cookies.SECRET_LIFETIME_NANOS)).isNotEqualTo(cookie);
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
