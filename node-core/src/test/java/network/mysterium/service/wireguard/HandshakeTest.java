package network.mysterium.service.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.junit.jupiter.api.Test;

/**
 * Our initiator against our responder, and what each refuses; cookie replies and mac2 also against
 * the paper's construction computed apart (stock wireguard-go under load: WireGuardGoInteropTest).
 */
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
  void cookieRepliesAndMac2FollowThePapersConstructionComputedApart() throws Exception {
    byte[] bobPublic = WireGuardCrypto.publicKey(bob);
    // the oracle's HChaCha20 (from the JDK's ChaCha20 keystream) is pinned to the draft's vector
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) i;
    }
    assertThat(
            HexFormat.of()
                .formatHex(
                    PaperCookies.hchacha20(
                        key, HexFormat.of().parseHex("000000090000004a0000000031415927"))))
        .isEqualTo("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");

    Cookies cookies = new Cookies(bobPublic, random);
    InetSocketAddress sender = new InetSocketAddress("192.0.2.7", 51820);
    Initiator initiator = new Initiator(alice, bobPublic, psk, 0x01020304);
    byte[] first = initiator.initiation(random, Instant.now());
    byte[] mac1 = Arrays.copyOfRange(first, 116, 132);
    assertThat(mac1).isEqualTo(PaperCookies.mac(PaperCookies.mac1Key(bobPublic), first, 116));
    assertThat(Arrays.copyOfRange(first, 132, 148)).as("no cookie: mac2 zero").containsOnly(0);

    // the responder's reply, opened as the paper says: XAEAD(HASH("cookie--" || Spub), nonce,
    // cookie, mac1 of the message answered); header type 3, reserved zero, the sender's index
    byte[] reply = cookies.reply(0x01020304, mac1, sender, 0);
    assertThat(Arrays.copyOfRange(reply, 0, 8)).containsExactly(3, 0, 0, 0, 4, 3, 2, 1);
    byte[] cookie = PaperCookies.openReply(reply, bobPublic, mac1);
    assertThat(cookie).hasSize(16);

    // an initiation made with that cookie: mac2 = MAC(cookie, message up to mac2)
    byte[] second = initiator.initiation(random, Instant.now(), cookie);
    assertThat(Arrays.copyOfRange(second, 132, 148))
        .isEqualTo(PaperCookies.mac(cookie, second, 132));
    assertThat(cookies.mac2Valid(second, 132, sender, 1)).isTrue();
    assertThat(cookies.mac2Valid(second, 132, new InetSocketAddress("192.0.2.7", 51821), 1))
        .as("another port: another cookie")
        .isFalse();
    byte[] oracleMac2 = second.clone();
    System.arraycopy(PaperCookies.mac(cookie, second, 132), 0, oracleMac2, 132, 16);
    assertThat(cookies.mac2Valid(oracleMac2, 132, sender, 1)).isTrue();
    oracleMac2[140] ^= 1;
    assertThat(cookies.mac2Valid(oracleMac2, 132, sender, 1)).isFalse();

    // and a reply sealed by the oracle opens with ours, for the mac1 it was made for only
    byte[] chosen = new byte[16];
    random.nextBytes(chosen);
    byte[] sealedByOracle = PaperCookies.reply(7, chosen, bobPublic, mac1, random);
    assertThat(Cookies.openReply(sealedByOracle, bobPublic, mac1)).isEqualTo(chosen);
    assertThatThrownBy(
            () ->
                Cookies.openReply(
                    sealedByOracle, WireGuardCrypto.publicKey(alice), mac1)) // another key
        .isInstanceOf(AEADBadTagException.class);
  }

  /**
   * The paper's cookie construction (section 5.4.7) written apart from {@link Cookies} and {@link
   * WireGuardCrypto}: BLAKE2s from Bouncy Castle, XChaCha20-Poly1305 as HChaCha20 (taken from the
   * JDK's ChaCha20 keystream: a block minus its input state) and the JDK's ChaCha20-Poly1305.
   */
  private static final class PaperCookies {
    private static final byte[] SIGMA = "expand 32-byte k".getBytes(StandardCharsets.US_ASCII);

    static byte[] mac1Key(byte[] responderPublic) {
      return hash("mac1----".getBytes(StandardCharsets.US_ASCII), responderPublic);
    }

    static byte[] hash(byte[] a, byte[] b) {
      Blake2sDigest digest = new Blake2sDigest(256);
      digest.update(a, 0, a.length);
      digest.update(b, 0, b.length);
      byte[] out = new byte[32];
      digest.doFinal(out, 0);
      return out;
    }

    static byte[] mac(byte[] key, byte[] message, int length) {
      Blake2sDigest digest = new Blake2sDigest(key, 16, null, null);
      digest.update(message, 0, length);
      byte[] out = new byte[16];
      digest.doFinal(out, 0);
      return out;
    }

    static byte[] hchacha20(byte[] key, byte[] nonce16) throws Exception {
      ByteBuffer n = ByteBuffer.wrap(nonce16).order(ByteOrder.LITTLE_ENDIAN);
      int counter = n.getInt(0);
      Cipher chacha = Cipher.getInstance("ChaCha20");
      chacha.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(key, "ChaCha20"),
          new ChaCha20ParameterSpec(Arrays.copyOfRange(nonce16, 4, 16), counter));
      ByteBuffer block =
          ByteBuffer.wrap(chacha.doFinal(new byte[64])).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer sigma = ByteBuffer.wrap(SIGMA).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer out = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < 4; i++) {
        out.putInt(block.getInt(4 * i) - sigma.getInt(4 * i));
      }
      for (int i = 0; i < 4; i++) {
        out.putInt(block.getInt(48 + 4 * i) - n.getInt(4 * i));
      }
      return out.array();
    }

    static byte[] xaead(int mode, byte[] key, byte[] nonce24, byte[] input, byte[] ad)
        throws Exception {
      byte[] nonce = new byte[12];
      System.arraycopy(nonce24, 16, nonce, 4, 8);
      Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
      cipher.init(
          mode,
          new SecretKeySpec(hchacha20(key, Arrays.copyOf(nonce24, 16)), "ChaCha20"),
          new IvParameterSpec(nonce));
      cipher.updateAAD(ad);
      return cipher.doFinal(input);
    }

    static byte[] openReply(byte[] reply, byte[] responderPublic, byte[] mac1) throws Exception {
      assertThat(reply).hasSize(64);
      byte[] key = hash("cookie--".getBytes(StandardCharsets.US_ASCII), responderPublic);
      return xaead(
          Cipher.DECRYPT_MODE,
          key,
          Arrays.copyOfRange(reply, 8, 32),
          Arrays.copyOfRange(reply, 32, 64),
          mac1);
    }

    static byte[] reply(
        int receiver, byte[] cookie, byte[] responderPublic, byte[] mac1, SecureRandom random)
        throws Exception {
      byte[] nonce = new byte[24];
      random.nextBytes(nonce);
      byte[] key = hash("cookie--".getBytes(StandardCharsets.US_ASCII), responderPublic);
      return ByteBuffer.allocate(64)
          .order(ByteOrder.LITTLE_ENDIAN)
          .putInt(3)
          .putInt(receiver)
          .put(nonce)
          .put(xaead(Cipher.ENCRYPT_MODE, key, nonce, cookie, mac1))
          .array();
    }
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
