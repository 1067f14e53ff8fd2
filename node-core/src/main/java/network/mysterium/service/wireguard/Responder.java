package network.mysterium.service.wireguard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;

/**
 * The responder's side of a WireGuard handshake (WireGuard paper, section 5.4.2-5.4.5): checks an
 * initiation (mac1, a known peer's static key, a timestamp newer than that peer's last), and
 * answers it, deriving the transport keys.
 */
public final class Responder {
  private final byte[] staticPrivate;
  private final byte[] staticPublic;

  public Responder(byte[] staticPrivate) {
    // Not a copy: the device's own, which it wipes when it closes (no stray copies of the key).
    this.staticPrivate = staticPrivate;
    this.staticPublic = WireGuardCrypto.publicKey(staticPrivate);
  }

  /**
   * What the responder knows of a peer: the newest timestamp it sent, the preshared key, and
   * whether its last initiation was taken less than 1/50 s ago (then a new one is refused before
   * the two Diffie-Hellman operations of the response, as the kernel does).
   */
  public record KnownPeer(byte[] lastTimestamp, byte[] presharedKey, boolean flooding) {
    public KnownPeer(byte[] lastTimestamp, byte[] presharedKey) {
      this(lastTimestamp, presharedKey, false);
    }

    /** A peer seen for the first time, without a preshared key. */
    public static KnownPeer fresh() {
      return new KnownPeer(new byte[12], new byte[32]);
    }
  }

  /** A checked initiation: who sent it, its timestamp, and how to answer. */
  public record Answer(byte[] peerPublic, byte[] timestamp, byte[] response, Session session) {}

  /**
   * Checks an initiation and answers it.
   *
   * @param peers what this device knows of a static key, null when it is not one of its peers
   * @throws Initiator.HandshakeException when the initiation is malformed, forged, from an unknown
   *     peer, or a replay
   */
  public Answer answer(
      byte[] initiation, Function<byte[], KnownPeer> peers, int senderIndex, SecureRandom random)
      throws Initiator.HandshakeException {
    if (initiation.length != Initiator.INITIATION_SIZE || initiation[0] != 1) {
      throw new Initiator.HandshakeException(
          HandshakeRefusal.MALFORMED, "not a handshake initiation");
    }
    byte[] mac1 =
        WireGuardCrypto.mac(
            WireGuardCrypto.hash(WireGuardCrypto.LABEL_MAC1, staticPublic), initiation, 116);
    if (!MessageDigest.isEqual(mac1, Arrays.copyOfRange(initiation, 116, 132))) {
      throw new Initiator.HandshakeException(HandshakeRefusal.BAD_MAC1, "bad mac1");
    }
    ByteBuffer in = ByteBuffer.wrap(initiation).order(ByteOrder.LITTLE_ENDIAN);
    in.position(4);
    int peerIndex = in.getInt();
    byte[] ephemeral = Arrays.copyOfRange(initiation, 8, 40);
    byte[] encryptedStatic = Arrays.copyOfRange(initiation, 40, 88);
    byte[] encryptedTimestamp = Arrays.copyOfRange(initiation, 88, 116);

    byte[] c = WireGuardCrypto.hash(WireGuardCrypto.CONSTRUCTION);
    byte[] h = WireGuardCrypto.hash(c, WireGuardCrypto.IDENTIFIER);
    h = WireGuardCrypto.hash(h, staticPublic);
    c = WireGuardCrypto.kdf(1, c, ephemeral)[0];
    h = WireGuardCrypto.hash(h, ephemeral);
    byte[][] ck = WireGuardCrypto.kdf(2, c, Initiator.agree(staticPrivate, ephemeral));
    c = ck[0];
    byte[] peerPublic;
    try {
      peerPublic = WireGuardCrypto.aeadOpen(ck[1], 0, encryptedStatic, h);
    } catch (AEADBadTagException e) {
      throw new Initiator.HandshakeException(
          HandshakeRefusal.NOT_AUTHENTIC, "the initiation does not authenticate");
    }
    KnownPeer known = peers.apply(peerPublic);
    if (known == null) {
      throw new Initiator.HandshakeException(
          HandshakeRefusal.UNKNOWN_PEER, "an initiation from an unknown peer");
    }
    h = WireGuardCrypto.hash(h, encryptedStatic);
    ck = WireGuardCrypto.kdf(2, c, Initiator.agree(staticPrivate, peerPublic));
    c = ck[0];
    byte[] timestamp;
    try {
      timestamp = WireGuardCrypto.aeadOpen(ck[1], 0, encryptedTimestamp, h);
    } catch (AEADBadTagException e) {
      throw new Initiator.HandshakeException(
          HandshakeRefusal.NOT_AUTHENTIC, "the initiation's timestamp does not authenticate");
    }
    if (Arrays.compareUnsigned(timestamp, known.lastTimestamp()) <= 0) {
      throw new Initiator.HandshakeException(
          HandshakeRefusal.REPLAY, "a replayed initiation (timestamp not newer)");
    }
    if (known.flooding()) {
      throw new Initiator.HandshakeException(
          HandshakeRefusal.FLOOD, "more than 50 initiations a second from one peer");
    }
    h = WireGuardCrypto.hash(h, encryptedTimestamp);

    byte[] ephemeralPrivate = WireGuardCrypto.newPrivateKey(random);
    byte[] ephemeralPublic = WireGuardCrypto.publicKey(ephemeralPrivate);
    c = WireGuardCrypto.kdf(1, c, ephemeralPublic)[0];
    h = WireGuardCrypto.hash(h, ephemeralPublic);
    c = WireGuardCrypto.kdf(1, c, Initiator.agree(ephemeralPrivate, ephemeral))[0];
    c = WireGuardCrypto.kdf(1, c, Initiator.agree(ephemeralPrivate, peerPublic))[0];
    byte[][] ctk = WireGuardCrypto.kdf(3, c, known.presharedKey());
    h = WireGuardCrypto.hash(h, ctk[1]);
    byte[] encryptedNothing = WireGuardCrypto.aeadSeal(ctk[2], 0, new byte[0], h);

    ByteBuffer out = ByteBuffer.allocate(Initiator.RESPONSE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(2).putInt(senderIndex).putInt(peerIndex).put(ephemeralPublic).put(encryptedNothing);
    byte[] response = out.array();
    byte[] responseMac1 =
        WireGuardCrypto.mac(
            WireGuardCrypto.hash(WireGuardCrypto.LABEL_MAC1, peerPublic), response, 60);
    System.arraycopy(responseMac1, 0, response, 60, 16);
    byte[][] keys = WireGuardCrypto.kdf(2, ctk[0], new byte[0]);
    Arrays.fill(ephemeralPrivate, (byte) 0);
    // the responder receives with the initiator's sending key and sends with the other
    return new Answer(
        peerPublic, timestamp, response, new Session(senderIndex, peerIndex, keys[1], keys[0]));
  }
}
