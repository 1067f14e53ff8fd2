package network.mysterium.net;

import java.net.InetAddress;

/** Which addresses belong to the public Internet. */
public final class InternetAddresses {
  private InternetAddresses() {}

  /** False for the ranges that never appear as a source on the Internet. */
  public static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (b.length == 4) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return !(first == 0
          || first >= 240
          || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT
          || (first == 198 && (second == 18 || second == 19))); // benchmarking
    }
    int first = b[0] & 0xff;
    return (first & 0xfe) != 0xfc; // unique local fc00::/7
  }
}
