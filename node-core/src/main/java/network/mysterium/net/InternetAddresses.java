package network.mysterium.net;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

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

  /**
   * The IPv4 ranges that are not public Internet destinations, in CIDR form: what the SOCKS exit
   * refuses and what the provider's IP tunnel drops, from this one list so they cannot diverge.
   */
  public static final List<String> NON_PUBLIC_IPV4 =
      List.of(
          "0.0.0.0/8", // "this network"
          "10.0.0.0/8",
          "100.64.0.0/10", // carrier-grade NAT
          "127.0.0.0/8",
          "169.254.0.0/16", // link-local
          "172.16.0.0/12",
          "192.0.0.0/24", // IETF protocol assignments
          "192.168.0.0/16",
          "198.18.0.0/15", // benchmarking
          "224.0.0.0/3"); // multicast, reserved, broadcast

  /** {@link #NON_PUBLIC_IPV4} as (network, mask) pairs. */
  private static final long[][] NON_PUBLIC_IPV4_MASKS =
      NON_PUBLIC_IPV4.stream().map(InternetAddresses::networkAndMask).toArray(long[][]::new);

  private static long[] networkAndMask(String cidr) {
    int slash = cidr.indexOf('/');
    long network = toInt(InetAddress.ofLiteral(cidr.substring(0, slash)).getAddress());
    int bits = Integer.parseInt(cidr.substring(slash + 1));
    long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
    return new long[] {network, mask};
  }

  private static long toInt(byte[] b) {
    return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
  }

  private static boolean isPublicV4(byte[] b) {
    long address = toInt(b);
    for (long[] range : NON_PUBLIC_IPV4_MASKS) {
      if ((address & range[1]) == range[0]) {
        return false;
      }
    }
    return true;
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
