package network.mysterium.relay;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Hole punching's wire format, told apart from sealed envelopes (0x08), WireGuard (1 to 4) and
 * relay frames (0xF1 and up) by a first byte of 0xE8 to 0xEA. None is authenticated: a punch only
 * makes the two sides send each other small probes, and a path is used only once the peer's
 * identity answers on it (the dialogue's own signed messages).
 *
 * <pre>
 * PUNCH  E8 nonce(16) target(18)   through the relay: "probe me at target", once per round
 * PROBE  E9 nonce(16)              direct, to the address the punch names; opens this side's NAT
 * ANSWER EA nonce(16)              direct, to the source of a probe of a known nonce
 * </pre>
 */
public final class PunchFrames {
  public static final byte PUNCH = (byte) 0xE8;
  public static final byte PROBE = (byte) 0xE9;
  public static final byte ANSWER = (byte) 0xEA;
  static final int NONCE_BYTES = 16;
  static final int PUNCH_BYTES = 1 + NONCE_BYTES + RelayFrames.ADDRESS_BYTES;
  static final int PROBE_BYTES = 1 + NONCE_BYTES;

  private PunchFrames() {}

  public static boolean isFrame(byte[] datagram) {
    return datagram.length > 0 && (datagram[0] & 0xff) >= 0xE8 && (datagram[0] & 0xff) <= 0xEA;
  }

  static byte[] punch(byte[] nonce, InetSocketAddress target) {
    ByteBuffer b = ByteBuffer.allocate(PUNCH_BYTES).put(PUNCH).put(nonce);
    RelayFrames.putAddress(b, target);
    return b.array();
  }

  static byte[] probe(byte op, byte[] nonce) {
    return ByteBuffer.allocate(PROBE_BYTES).put(op).put(nonce).array();
  }

  /**
   * How far an address reaches: loopback 0, link-local 1, private (RFC 1918, CGNAT, ULA) 2, global
   * 3; -1 for what is never a peer (unspecified, multicast).
   */
  static int scope(InetAddress a) {
    if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
      return -1;
    }
    if (a.isLoopbackAddress()) {
      return 0;
    }
    if (a.isLinkLocalAddress()) {
      return 1;
    }
    byte[] b = a.getAddress();
    boolean cgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    boolean ula = a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc;
    return a.isSiteLocalAddress() || cgnat || ula ? 2 : 3;
  }
}
