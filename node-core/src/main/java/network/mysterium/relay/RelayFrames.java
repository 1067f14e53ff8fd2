package network.mysterium.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Keccak;

/**
 * The relay's wire format: frames between a relay's control port and the nodes it serves, told
 * apart from sealed envelopes (first byte 0x08) and WireGuard (1 to 4) by a first byte of 0xF1 to
 * 0xF8. Addresses are 18 bytes: the IPv6 form (IPv4-mapped for IPv4) and the port.
 *
 * <pre>
 * node  -> relay  REGISTER   F1 identity(20) time(8) nonce(16) signature(65)
 * relay -> node   REGISTERED F2 token(16) allocatedPort(2) observed(18) nonce(16) splicePort(2)
 * node  -> relay  KEEPALIVE  F3 token(16)       (the first confirms the node's address)
 * relay -> node   ALIVE      F4 observed(18) token(16)
 * relay -> node   FROM       F5 source(18) payload        (a datagram that came to the allocation)
 * node  -> relay  TO         F6 token(16) target(18) payload  (sent on from the allocation)
 * relay -> node   REFUSED    F7 reason(1) token(16)   (the token the refused frame carried)
 * relay -> node   DIAL       F8 token(16) dial(16) dialBackPort(2)  (a connection came to splicePort)
 * </pre>
 *
 * <p>splicePort is the allocation's TCP port (0: none; a relay before splices sent no such field,
 * and a node before them ignores it). On DIAL the node connects by TCP to dialBackPort on the
 * relay's address and sends {@code dial} first; the relay splices that connection to the waiting
 * one (see {@link RelayTcp}).
 */
public final class RelayFrames {
  public static final byte REGISTER = (byte) 0xF1;
  public static final byte REGISTERED = (byte) 0xF2;
  public static final byte KEEPALIVE = (byte) 0xF3;
  public static final byte ALIVE = (byte) 0xF4;
  public static final byte FROM = (byte) 0xF5;
  public static final byte TO = (byte) 0xF6;
  public static final byte REFUSED = (byte) 0xF7;
  public static final byte DIAL = (byte) 0xF8;

  static final int ADDRESS_BYTES = 18;
  static final int TOKEN_BYTES = 16;
  static final int NONCE_BYTES = 16;
  static final int SIGNATURE_BYTES = 65;
  static final int REGISTER_BYTES = 1 + Address.LENGTH + 8 + NONCE_BYTES + SIGNATURE_BYTES;
  static final int TO_HEADER_BYTES = 1 + TOKEN_BYTES + ADDRESS_BYTES;
  static final int FROM_HEADER_BYTES = 1 + ADDRESS_BYTES;
  static final int DIAL_BYTES = 1 + TOKEN_BYTES + TOKEN_BYTES + 2;

  private static final byte[] REGISTER_DOMAIN =
      "mysterium relay registration v1".getBytes(StandardCharsets.US_ASCII);

  private RelayFrames() {}

  /** Whether a datagram from a relay's address is a relay frame (else it is the node's own). */
  public static boolean isFrame(byte[] datagram) {
    return datagram.length > 0 && isFrame(datagram[0]);
  }

  static boolean isFrame(byte first) {
    return (first & 0xff) >= 0xF1 && (first & 0xff) <= 0xF8;
  }

  /**
   * What a registration signs: the relay it is for (so it is good at no other relay), the identity,
   * the time and a nonce (so it is good once, and only for a while).
   */
  static byte[] registrationDigest(
      InetSocketAddress relay, Address identity, long epochSeconds, byte[] nonce) {
    ByteBuffer b = ByteBuffer.allocate(ADDRESS_BYTES + Address.LENGTH + 8 + NONCE_BYTES);
    putAddress(b, relay);
    b.put(identity.toBytes()).putLong(epochSeconds).put(nonce);
    return Keccak.hash(REGISTER_DOMAIN, b.array());
  }

  static void putAddress(ByteBuffer b, InetSocketAddress address) {
    byte[] ip = address.getAddress().getAddress();
    if (ip.length == 4) {
      b.put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(ip);
    } else {
      b.put(ip);
    }
    b.putShort((short) address.getPort());
  }

  static InetSocketAddress getAddress(ByteBuffer b) {
    byte[] ip = new byte[16];
    b.get(ip);
    int port = Short.toUnsignedInt(b.getShort());
    try {
      // InetAddress gives an Inet4Address for the IPv4-mapped form
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are always an address", e);
    }
  }

  static byte[] address(InetSocketAddress address) {
    ByteBuffer b = ByteBuffer.allocate(ADDRESS_BYTES);
    putAddress(b, address);
    return b.array();
  }
}
