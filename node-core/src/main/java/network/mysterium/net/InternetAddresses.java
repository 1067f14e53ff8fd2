package network.mysterium.net;

import java.net.InetAddress;
import java.util.Arrays;

/** Which addresses belong to the public Internet. */
public final class InternetAddresses {
  private InternetAddresses() {}

  /**
   * False for the ranges that never appear as a source on the Internet, and for IPv6 forms that
   * carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) unless that address is
   * public: a host that translates them would otherwise reach a private IPv4 target.
   */
  public static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    return b.length == 4 ? isPublicV4(b) : isPublicV6(b);
  }

  private static boolean isPublicV4(byte[] b) {
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    return !(first == 0
        || first == 10
        || first == 127
        || first >= 224
        || (first == 169 && second == 254)
        || (first == 172 && second >= 16 && second < 32)
        || (first == 192 && second == 168)
        || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT
        || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
        || (first == 198 && (second == 18 || second == 19))); // benchmarking
  }

  private static boolean isPublicV6(byte[] b) {
    int first = b[0] & 0xff;
    if ((first & 0xfe) == 0xfc // unique local fc00::/7
        || (first == 0xfe && (b[1] & 0xc0) == 0x80) // link-local fe80::/10
        || first == 0xff) {
      return false;
    }
    if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return isPublicV4(Arrays.copyOfRange(b, 12, 16)); // IPv4-mapped ::ffff:0:0/96
    }
    if (allZero(b, 0, 12)) {
      return false; // IPv4-compatible ::/96 (deprecated), ::, ::1
    }
    if (first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      // NAT64: the well-known 64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is local use
      return allZero(b, 4, 12) && isPublicV4(Arrays.copyOfRange(b, 12, 16));
    }
    if (first == 0x20 && (b[1] & 0xff) == 0x02) {
      return isPublicV4(Arrays.copyOfRange(b, 2, 6)); // 6to4 2002::/16
    }
    if (first == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
      return false; // Teredo 2001::/32: a tunnel endpoint, not a destination to dial
    }
    return !(first == 0x01 && allZero(b, 1, 8)); // discard-only 100::/64
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
