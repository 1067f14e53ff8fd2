package network.mysterium.service.wireguard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Transport data after a handshake (WireGuard paper, section 5.4.6): packets padded to 16 bytes,
 * sealed with the sending key under an increasing counter, addressed by the peer's index. The
 * in-place methods work on one buffer laid out as the wire message (16-byte header, then the
 * packet) so the data plane copies nothing; the caller brings a cipher of its own thread.
 */
public final class Session {
  /** After this many messages a session is not used any more (REJECT_AFTER_MESSAGES). */
  static final long REJECT_AFTER_MESSAGES = -1L - (1L << 13); // 2^64 - 2^13 - 1, unsigned

  /** Bytes a transport message adds to the padded packet: header and tag. */
  public static final int OVERHEAD = 32;

  private final int localIndex;
  private final int peerIndex;
  private final SecretKeySpec sendKey;
  private final SecretKeySpec receiveKey;
  private final AtomicLong sendCounter = new AtomicLong();
  private final ReplayWindow received = new ReplayWindow();
  private volatile boolean receivedAny;

  Session(int localIndex, int peerIndex, byte[] sendKey, byte[] receiveKey) {
    this.localIndex = localIndex;
    this.peerIndex = peerIndex;
    this.sendKey = new SecretKeySpec(sendKey, "ChaCha20");
    this.receiveKey = new SecretKeySpec(receiveKey, "ChaCha20");
    Arrays.fill(sendKey, (byte) 0);
    Arrays.fill(receiveKey, (byte) 0);
  }

  int localIndex() {
    return localIndex;
  }

  long messagesSent() {
    return sendCounter.get();
  }

  /** Whether the peer has sent anything on this session (for the responder, key confirmation). */
  boolean receivedAny() {
    return receivedAny;
  }

  /** A transport data message (type 4) carrying one IP packet. */
  public byte[] seal(byte[] packet) {
    byte[] buffer = new byte[OVERHEAD + padded(packet.length)];
    System.arraycopy(packet, 0, buffer, 16, packet.length);
    int length = sealInPlace(buffer, packet.length, newCipher());
    return Arrays.copyOf(buffer, length);
  }

  /**
   * Seals the packet at {@code buffer[16..16+packetLength)} in place into a whole transport message
   * starting at 0; returns its length (the buffer needs room for padding and tag), or -1 when this
   * session may not send any more.
   */
  int sealInPlace(byte[] buffer, int packetLength, Cipher cipher) {
    long counter = sendCounter.getAndIncrement();
    if (Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) >= 0) {
      return -1;
    }
    int padded = padded(packetLength);
    Arrays.fill(buffer, 16 + packetLength, 16 + padded, (byte) 0);
    ByteBuffer header = ByteBuffer.wrap(buffer, 0, 16).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(4).putInt(peerIndex).putLong(counter);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, sendKey, nonce(counter));
      return 16 + cipher.doFinal(buffer, 16, padded, buffer, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 failed", e);
    }
  }

  /**
   * The padded IP packet a transport data message carries (the IP header says its length).
   *
   * @throws AEADBadTagException when it was not sealed by the peer for this session, or is a replay
   */
  public byte[] open(byte[] message) throws AEADBadTagException {
    byte[] buffer = message.clone();
    int length = openInPlace(buffer, buffer.length, newCipher());
    return Arrays.copyOfRange(buffer, 16, 16 + length);
  }

  /**
   * Opens the transport message at {@code buffer[0..length)} in place; the padded packet is left at
   * offset 16, and its length returned.
   *
   * @throws AEADBadTagException when it was not sealed by the peer for this session, or is a replay
   */
  int openInPlace(byte[] buffer, int length, Cipher cipher) throws AEADBadTagException {
    ByteBuffer in = ByteBuffer.wrap(buffer, 0, length).order(ByteOrder.LITTLE_ENDIAN);
    if (length < OVERHEAD || in.getInt() != 4 || in.getInt() != localIndex) {
      throw new AEADBadTagException("not a transport message for this session");
    }
    long counter = in.getLong();
    if (Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) >= 0) {
      throw new AEADBadTagException("a counter beyond the session's limit");
    }
    int opened;
    try {
      cipher.init(Cipher.DECRYPT_MODE, receiveKey, nonce(counter));
      opened = cipher.doFinal(buffer, 16, length - 16, buffer, 16);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new AEADBadTagException("cannot open: " + e.getMessage());
    }
    if (!received.accept(counter)) { // marked only once authenticated
      throw new AEADBadTagException("replayed or too old (counter " + counter + ")");
    }
    receivedAny = true;
    return opened;
  }

  static int padded(int length) {
    return (length + 15) & ~15;
  }

  static Cipher newCipher() {
    try {
      return Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 is not available", e);
    }
  }

  private static IvParameterSpec nonce(long counter) {
    byte[] nonce = new byte[12];
    ByteBuffer.wrap(nonce).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0).putLong(4, counter);
    return new IvParameterSpec(nonce);
  }
}
