package network.mysterium.service.wireguard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * The initiator's side of a WireGuard handshake (WireGuard paper, section 5.4.2-5.4.4): makes the
 * 148-byte initiation, checks the 92-byte response, and derives the transport keys. One object is
 * one handshake attempt.
 */
public final class Initiator {
  static final int INITIATION_SIZE = 148;
  static final int RESPONSE_SIZE = 92;
  static final int COOKIE_REPLY_SIZE = 64;

  private final byte[] staticPrivate;
  private final byte[] staticPublic;
  private final byte[] peerPublic;
  private final byte[] presharedKey;
  private final int senderIndex;
  private byte[] chainingKey;
  private byte[] hash;
  private byte[] ephemeralPrivate;

  /**
   * @param presharedKey 32 bytes, all zero when the peers use none
   */
  public Initiator(byte[] staticPrivate, byte[] peerPublic, byte[] presharedKey, int senderIndex) {
    // Not a copy: the device's own, which it wipes when it closes (no stray copies of the key).
    this.staticPrivate = staticPrivate;
    this.staticPublic = WireGuardCrypto.publicKey(staticPrivate);
    this.peerPublic = peerPublic.clone();
    this.presharedKey = presharedKey.clone();
    this.senderIndex = senderIndex;
  }

  /** Message 1: the handshake initiation, with mac1 (and an empty mac2: no cookie yet). */
  public byte[] initiation(SecureRandom random, Instant now) {
    return initiation(random, now, null);
  }

  /**
   * Message 1 with mac1, and with mac2 when a cookie from the responder is given (it was under load
   * and sent a cookie reply).
   */
  public byte[] initiation(SecureRandom random, Instant now, byte[] cookie) {
    chainingKey = WireGuardCrypto.hash(WireGuardCrypto.CONSTRUCTION);
    hash = WireGuardCrypto.hash(chainingKey, WireGuardCrypto.IDENTIFIER);
    hash = WireGuardCrypto.hash(hash, peerPublic);
    ephemeralPrivate = WireGuardCrypto.newPrivateKey(random);
    byte[] ephemeralPublic = WireGuardCrypto.publicKey(ephemeralPrivate);
    chainingKey = WireGuardCrypto.kdf(1, chainingKey, ephemeralPublic)[0];
    hash = WireGuardCrypto.hash(hash, ephemeralPublic);
    byte[][] ck =
        WireGuardCrypto.kdf(2, chainingKey, WireGuardCrypto.dh(ephemeralPrivate, peerPublic));
    chainingKey = ck[0];
    byte[] encryptedStatic = WireGuardCrypto.aeadSeal(ck[1], 0, staticPublic, hash);
    hash = WireGuardCrypto.hash(hash, encryptedStatic);
    ck = WireGuardCrypto.kdf(2, chainingKey, WireGuardCrypto.dh(staticPrivate, peerPublic));
    chainingKey = ck[0];
    byte[] encryptedTimestamp =
        WireGuardCrypto.aeadSeal(ck[1], 0, WireGuardCrypto.tai64n(now), hash);
    hash = WireGuardCrypto.hash(hash, encryptedTimestamp);

    ByteBuffer message = ByteBuffer.allocate(INITIATION_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    message.putInt(1); // type 1, three reserved zero bytes
    message.putInt(senderIndex);
    message.put(ephemeralPublic).put(encryptedStatic).put(encryptedTimestamp);
    byte[] bytes = message.array();
    byte[] mac1 =
        WireGuardCrypto.mac(
            WireGuardCrypto.hash(WireGuardCrypto.LABEL_MAC1, peerPublic), bytes, 116);
    System.arraycopy(mac1, 0, bytes, 116, 16);
    if (cookie != null) {
      System.arraycopy(Cookies.mac2(cookie, bytes, 132), 0, bytes, 132, 16);
    }
    return bytes;
  }

  /**
   * Message 2: checks the response (its mac1 and its empty encrypted payload) and returns the
   * session: keys for each direction and the peer's index.
   *
   * @throws HandshakeException when the response is malformed or not from this peer
   */
  public Session consume(byte[] response) throws HandshakeException {
    if (response.length != RESPONSE_SIZE || response[0] != 2) {
      throw new HandshakeException(HandshakeRefusal.MALFORMED, "not a handshake response");
    }
    ByteBuffer in = ByteBuffer.wrap(response).order(ByteOrder.LITTLE_ENDIAN);
    in.position(4);
    int peerIndex = in.getInt();
    int receiverIndex = in.getInt();
    if (receiverIndex != senderIndex) {
      throw new HandshakeException(
          HandshakeRefusal.WRONG_HANDSHAKE, "a response to another handshake");
    }
    byte[] expectedMac1 =
        WireGuardCrypto.mac(
            WireGuardCrypto.hash(WireGuardCrypto.LABEL_MAC1, staticPublic), response, 60);
    if (!java.security.MessageDigest.isEqual(expectedMac1, Arrays.copyOfRange(response, 60, 76))) {
      throw new HandshakeException(HandshakeRefusal.BAD_MAC1, "bad mac1");
    }
    byte[] ephemeralPublic = Arrays.copyOfRange(response, 12, 44);
    byte[] encryptedNothing = Arrays.copyOfRange(response, 44, 60);
    byte[] c = WireGuardCrypto.kdf(1, chainingKey, ephemeralPublic)[0];
    byte[] h = WireGuardCrypto.hash(hash, ephemeralPublic);
    c = WireGuardCrypto.kdf(1, c, agree(ephemeralPrivate, ephemeralPublic))[0];
    c = WireGuardCrypto.kdf(1, c, agree(staticPrivate, ephemeralPublic))[0];
    byte[][] ctk = WireGuardCrypto.kdf(3, c, presharedKey);
    h = WireGuardCrypto.hash(h, ctk[1]);
    try {
      WireGuardCrypto.aeadOpen(ctk[2], 0, encryptedNothing, h);
    } catch (AEADBadTagException e) {
      throw new HandshakeException(
          HandshakeRefusal.NOT_AUTHENTIC, "the response does not authenticate");
    }
    byte[][] keys = WireGuardCrypto.kdf(2, ctk[0], new byte[0]);
    Arrays.fill(ephemeralPrivate, (byte) 0);
    return new Session(senderIndex, peerIndex, keys[0], keys[1]);
  }

  /** X25519 with a key from the wire: a low-order point is a refusal, not a programming error. */
  static byte[] agree(byte[] privateKey, byte[] publicKey) throws HandshakeException {
    byte[] shared = WireGuardCrypto.dhOrNull(privateKey, publicKey);
    if (shared == null) {
      throw new HandshakeException(HandshakeRefusal.LOW_ORDER_POINT, "a low-order point");
    }
    return shared;
  }

  /** A handshake message that does not check out, with why. */
  public static final class HandshakeException extends Exception {
    private final HandshakeRefusal refusal;

    public HandshakeException(HandshakeRefusal refusal, String message) {
      super(message);
      this.refusal = refusal;
    }

    public HandshakeRefusal refusal() {
      return refusal;
    }
  }
}
