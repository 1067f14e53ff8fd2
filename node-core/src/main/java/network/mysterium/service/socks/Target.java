package network.mysterium.service.socks;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Where a connection goes, as SOCKS5 names it (RFC 1928 section 5): an IPv4 or IPv6 address, or a
 * domain name that the provider resolves (so the consumer's DNS never leaks), and a port.
 */
public record Target(int addressType, byte[] address, int port) {
  public static final int IPV4 = 1;
  public static final int DOMAIN = 3;
  public static final int IPV6 = 4;

  public Target {
    int expected =
        switch (addressType) {
          case IPV4 -> 4;
          case IPV6 -> 16;
          case DOMAIN -> address.length;
          default -> throw new IllegalArgumentException("unknown address type " + addressType);
        };
    if (address.length != expected || address.length == 0 || address.length > 255) {
      throw new IllegalArgumentException("bad address length " + address.length);
    }
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("bad port " + port);
    }
    address = address.clone();
  }

  /** Reads ATYP, DST.ADDR, DST.PORT. */
  static Target read(DataInputStream in) throws IOException {
    int type = in.readUnsignedByte();
    byte[] address =
        switch (type) {
          case IPV4 -> in.readNBytes(4);
          case IPV6 -> in.readNBytes(16);
          case DOMAIN -> in.readNBytes(in.readUnsignedByte());
          default -> throw new IOException("unknown address type " + type);
        };
    int port = in.readUnsignedShort();
    try {
      return new Target(type, address, port);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
  }

  void write(DataOutputStream out) throws IOException {
    out.writeByte(addressType);
    if (addressType == DOMAIN) {
      out.writeByte(address.length);
    }
    out.write(address);
    out.writeShort(port);
  }

  /** The addresses to dial: the literal, or the domain resolved here. */
  InetAddress[] resolve() throws IOException {
    if (addressType == DOMAIN) {
      return InetAddress.getAllByName(new String(address, StandardCharsets.US_ASCII));
    }
    return new InetAddress[] {InetAddress.getByAddress(address)};
  }

  @Override
  public String toString() {
    try {
      return (addressType == DOMAIN
              ? new String(address, StandardCharsets.US_ASCII)
              : InetAddress.getByAddress(address).getHostAddress())
          + ":"
          + port;
    } catch (IOException e) {
      return "?:" + port;
    }
  }
}
