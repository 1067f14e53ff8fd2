package network.mysterium.service.wireguard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 prefix such as {@code 10.182.0.2/32} or {@code ::/0}: a peer's allowed IPs. */
public record IpPrefix(byte[] address, int bits) {
  public IpPrefix {
    if (address.length != 4 && address.length != 16) {
      throw new IllegalArgumentException("an IP prefix needs 4 or 16 address bytes");
    }
    if (bits < 0 || bits > address.length * 8) {
      throw new IllegalArgumentException("prefix length " + bits + " out of range");
    }
    address = masked(address, bits);
  }

  /** Parses {@code address/bits}; an address alone is a host prefix. */
  public static IpPrefix parse(String text) {
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    try {
      byte[] address = InetAddress.ofLiteral(host).getAddress();
      int bits = slash < 0 ? address.length * 8 : Integer.parseInt(text.substring(slash + 1));
      return new IpPrefix(address, bits);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an IP prefix: " + text, e);
    }
  }

  public static IpPrefix host(InetAddress address) {
    return new IpPrefix(address.getAddress(), address.getAddress().length * 8);
  }

  /** Whether the address {@code ip[offset..offset+length)} is inside this prefix. */
  public boolean contains(byte[] ip, int offset, int length) {
    if (length != address.length) {
      return false;
    }
    int whole = bits / 8;
    if (!Arrays.equals(address, 0, whole, ip, offset, offset + whole)) {
      return false;
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (ip[offset + whole] & mask) == (address[whole] & 0xff);
  }

  public InetAddress inetAddress() {
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The IP packet's own length (padding removed), 0 for garbage. */
  static int packetLength(byte[] packet, int offset, int available) {
    if (available < 20) {
      return 0;
    }
    int version = (packet[offset] >> 4) & 0xf;
    int length =
        version == 4
            ? ((packet[offset + 2] & 0xff) << 8) | (packet[offset + 3] & 0xff)
            : version == 6 && available >= 40
                ? 40 + (((packet[offset + 4] & 0xff) << 8) | (packet[offset + 5] & 0xff))
                : 0;
    return length <= available ? length : 0;
  }

  private static byte[] masked(byte[] address, int bits) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      out[i] &= (byte) ((0xff << (8 - keep)) & 0xff);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpPrefix p && p.bits == bits && Arrays.equals(p.address, address);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(address) * 31 + bits;
  }

  @Override
  public String toString() {
    return inetAddress().getHostAddress() + "/" + bits;
  }
}
