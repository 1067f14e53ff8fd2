package network.mysterium.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The SOCKS exit's idea of a public target, including IPv6 forms that carry an IPv4 address. */
class InternetAddressesTest {
  private static boolean isPublic(String literal) {
    return InternetAddresses.isPublic(InetAddress.ofLiteral(literal));
  }

  /** A literal kept as IPv6 (Java turns ::ffff:a.b.c.d literals into IPv4 by itself). */
  private static boolean isPublicAsV6(String literal) throws Exception {
    byte[] bytes = InetAddress.ofLiteral(literal).getAddress();
    if (bytes.length == 4) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(bytes, 0, mapped, 12, 4);
      bytes = mapped;
    }
    return InternetAddresses.isPublic(Inet6Address.getByAddress(null, bytes, -1));
  }

  @Test
  void privateSpecialAndPublicIpv4() {
    for (String p :
        new String[] {
          "10.1.2.3",
          "127.0.0.1",
          "169.254.169.254",
          "172.16.0.1",
          "192.168.1.1",
          "100.64.0.1",
          "198.18.0.1",
          "198.19.255.1",
          "192.0.0.170",
          "0.1.2.3",
          "224.0.0.1",
          "255.255.255.255"
        }) {
      assertThat(isPublic(p)).as(p).isFalse();
    }
    for (String p : new String[] {"1.1.1.1", "8.8.8.8", "93.184.216.34", "198.20.0.1"}) {
      assertThat(isPublic(p)).as(p).isTrue();
    }
  }

  @Test
  void ipv6FormsThatCarryAPrivateIpv4AddressAreNotPublic() throws Exception {
    assertThat(isPublicAsV6("::ffff:127.0.0.1")).as("IPv4-mapped loopback").isFalse();
    assertThat(isPublicAsV6("::ffff:10.0.0.1")).isFalse();
    assertThat(isPublicAsV6("::ffff:8.8.8.8")).as("IPv4-mapped public").isTrue();
    assertThat(isPublic("::127.0.0.1")).as("IPv4-compatible").isFalse();
    assertThat(isPublic("::8.8.8.8")).as("IPv4-compatible, deprecated").isFalse();
    assertThat(isPublic("64:ff9b::7f00:1")).as("NAT64 of 127.0.0.1").isFalse();
    assertThat(isPublic("64:ff9b::a9fe:a9fe")).as("NAT64 of the metadata address").isFalse();
    assertThat(isPublic("64:ff9b::808:808")).as("NAT64 of 8.8.8.8").isTrue();
    assertThat(isPublic("64:ff9b:1::a00:1")).as("local-use NAT64").isFalse();
    assertThat(isPublic("2002:c0a8:0101::1")).as("6to4 of 192.168.1.1").isFalse();
    assertThat(isPublic("2002:0808:0808::1")).as("6to4 of 8.8.8.8").isTrue();
    assertThat(isPublic("2001:0:4136:e378::1")).as("Teredo").isFalse();
    assertThat(isPublic("fd00::1")).isFalse();
    assertThat(isPublic("fe80::1")).isFalse();
    assertThat(isPublic("::1")).isFalse();
    assertThat(isPublic("100::1")).isFalse();
    assertThat(isPublic("2606:4700:4700::1111")).isTrue();
  }
}
