package network.mysterium.service.wireguard;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * WireGuard's cookies (paper, section 5.4.7): a responder under load answers an initiation whose
 * mac2 is not valid with a cookie reply instead of doing Diffie-Hellman; the cookie is a MAC of the
 * sender's address under a secret that changes every two minutes, so only a sender that really
 * receives at its address can prove it (by mac2) on its next attempt.
 */
final class Cookies {
  static final long SECRET_LIFETIME_NANOS = 120_000_000_000L;

  private final byte[] cookieKey;
  private final SecureRandom random;
  private byte[] secret = new byte[32];
  private long secretSince = Long.MIN_VALUE;

  /**
   * @param ourPublic this device's static public key (the cookie reply is sealed under its hash)
   */
  Cookies(byte[] ourPublic, SecureRandom random) {
    this.cookieKey = WireGuardCrypto.hash(WireGuardCrypto.LABEL_COOKIE, ourPublic);
    this.random = random;
  }

  /** The cookie for a sender's address now: MAC(secret, address bytes || port). */
  synchronized byte[] cookieFor(InetSocketAddress sender, long nowNanos) {
    if (secretSince == Long.MIN_VALUE || nowNanos - secretSince >= SECRET_LIFETIME_NANOS) {
      random.nextBytes(secret);
      secretSince = nowNanos;
    }
    byte[] address = sender.getAddress().getAddress();
    byte[] input = Arrays.copyOf(address, address.length + 2);
    input[address.length] = (byte) (sender.getPort() >> 8);
    input[address.length + 1] = (byte) sender.getPort();
    return WireGuardCrypto.mac(secret, input, input.length);
  }

  /** Whether the message's mac2 (16 bytes at {@code macOffset}) proves the sender's cookie. */
  boolean mac2Valid(byte[] message, int macOffset, InetSocketAddress sender, long nowNanos) {
    byte[] expected = mac2(cookieFor(sender, nowNanos), message, macOffset);
    return MessageDigest.isEqual(expected, Arrays.copyOfRange(message, macOffset, macOffset + 16));
  }

  /** The cookie reply (type 3) to a message whose sender index and mac1 are given. */
  byte[] reply(int receiverIndex, byte[] mac1, InetSocketAddress sender, long nowNanos) {
    byte[] nonce = new byte[24];
    random.nextBytes(nonce);
    byte[] sealed = WireGuardCrypto.xaeadSeal(cookieKey, nonce, cookieFor(sender, nowNanos), mac1);
    return ByteBuffer.allocate(Initiator.COOKIE_REPLY_SIZE)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(3)
        .putInt(receiverIndex)
        .put(nonce)
        .put(sealed)
        .array();
  }

  /**
   * The cookie a peer's reply carries, for the message whose mac1 we sent.
   *
   * @throws AEADBadTagException when the reply was not made by that peer for that message
   */
  static byte[] openReply(byte[] reply, byte[] peerPublic, byte[] mac1) throws AEADBadTagException {
    if (reply.length != Initiator.COOKIE_REPLY_SIZE || reply[0] != 3) {
      throw new AEADBadTagException("not a cookie reply");
    }
    byte[] key = WireGuardCrypto.hash(WireGuardCrypto.LABEL_COOKIE, peerPublic);
    return WireGuardCrypto.xaeadOpen(
        key, Arrays.copyOfRange(reply, 8, 32), Arrays.copyOfRange(reply, 32, 64), mac1);
  }

  /** Keeps the cookie of a reply to the initiation pending with a peer (under its lock). */
  static void accept(Peer peer, byte[] reply, long nowNanos) throws AEADBadTagException {
    peer.cookie = openReply(reply, peer.publicKey, peer.lastMac1);
    peer.cookieReceived = nowNanos;
  }

  /** mac2 = MAC(cookie, message up to mac2). */
  static byte[] mac2(byte[] cookie, byte[] message, int macOffset) {
    return WireGuardCrypto.mac(cookie, message, macOffset);
  }
}
