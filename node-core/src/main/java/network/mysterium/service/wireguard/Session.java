package network.mysterium.service.wireguard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;

/**
 * Transport data after a handshake (WireGuard paper, section 5.4.6): packets padded to 16 bytes,
 * sealed with the sending key under an increasing counter, addressed by the peer's index.
 */
public final class Session {
  private final int localIndex;
  private final int peerIndex;
  private final byte[] sendKey;
  private final byte[] receiveKey;
  private final AtomicLong sendCounter = new AtomicLong();
  private final ReplayWindow received = new ReplayWindow();

  Session(int localIndex, int peerIndex, byte[] sendKey, byte[] receiveKey) {
    this.localIndex = localIndex;
    this.peerIndex = peerIndex;
    this.sendKey = sendKey;
    this.receiveKey = receiveKey;
  }

  /** A transport data message (type 4) carrying one IP packet. */
  public byte[] seal(byte[] packet) {
    long counter = sendCounter.getAndIncrement();
    byte[] padded = Arrays.copyOf(packet, (packet.length + 15) / 16 * 16);
    byte[] sealed = WireGuardCrypto.aeadSeal(sendKey, counter, padded, new byte[0]);
    return ByteBuffer.allocate(16 + sealed.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(4)
        .putInt(peerIndex)
        .putLong(counter)
        .put(sealed)
        .array();
  }

  /**
   * The padded IP packet a transport data message carries (the IP header says its length).
   *
   * @throws AEADBadTagException when it was not sealed by the peer for this session, or is a replay
   */
  public byte[] open(byte[] message) throws AEADBadTagException {
    ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
    if (message.length < 32 || in.getInt() != 4 || in.getInt() != localIndex) {
      throw new AEADBadTagException("not a transport message for this session");
    }
    long counter = in.getLong();
    byte[] packet =
        WireGuardCrypto.aeadOpen(
            receiveKey, counter, Arrays.copyOfRange(message, 16, message.length), new byte[0]);
    if (!received.accept(counter)) { // marked only once authenticated
      throw new AEADBadTagException("replayed or too old (counter " + counter + ")");
    }
    return packet;
  }
}
