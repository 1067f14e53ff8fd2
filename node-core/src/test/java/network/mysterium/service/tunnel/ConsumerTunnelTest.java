package network.mysterium.service.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import network.mysterium.service.Meter;
import network.mysterium.service.proto.WireGuardOffer;
import network.mysterium.service.proto.WireGuardRequest;
import network.mysterium.service.wireguard.IpPrefix;
import network.mysterium.service.wireguard.Peer;
import network.mysterium.service.wireguard.WireGuardDevice;
import network.mysterium.service.wireguard.WireGuardKeys;
import network.mysterium.tun.LinuxTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer's {@link WireGuardClient} as it configures a real namespace: the consumer's
 * namespace has an IPv4 and IPv6 underlay (a veth to a namespace standing for its LAN/router), the
 * provider is one of our WireGuard devices on a TUN in a namespace of its own. A listener on the
 * router side must hear nothing over IPv6 while the tunnel is up, kill switch off.
 */
class ConsumerTunnelTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final SecureRandom random = new SecureRandom();
  private final String suffix = HexFormat.of().formatHex(random.generateSeed(2));
  private final int n = 100 + random.nextInt(100);
  private final String underlayV6Router = "fd00:" + n + "::1";
  private final String underlayV6Consumer = "fd00:" + n + "::2";
  private final String tunnelGateway = "10.93." + n + ".1";
  private final String tunnelConsumer = "10.93." + n + ".2";
  private final String interfaceName = "mwc" + suffix;
  private final Namespaces namespaces = new Namespaces();
  private String consumerNs;
  private String routerNs;
  private WireGuardDevice provider;
  private WireGuardClient client;

  @BeforeEach
  void network() throws Exception {
    consumerNs = namespaces.add("mys-cc-" + suffix);
    routerNs = namespaces.add("mys-cr-" + suffix);
    String providerNs = namespaces.add("mys-cp-" + suffix);
    namespaces.veth(consumerNs, "mvc" + suffix, routerNs, "mvr" + suffix);
    namespaces.in(consumerNs, "ip", "addr", "add", "10.92." + n + ".2/24", "dev", "mvc" + suffix);
    namespaces.in(routerNs, "ip", "addr", "add", "10.92." + n + ".1/24", "dev", "mvr" + suffix);
    namespaces.in(
        consumerNs,
        "ip",
        "addr",
        "add",
        underlayV6Consumer + "/64",
        "dev",
        "mvc" + suffix,
        "nodad");
    namespaces.in(
        routerNs, "ip", "addr", "add", underlayV6Router + "/64", "dev", "mvr" + suffix, "nodad");
    namespaces.in(consumerNs, "ip", "route", "add", "default", "via", "10.92." + n + ".1");
    namespaces.in(consumerNs, "ip", "-6", "route", "add", "default", "via", underlayV6Router);
    byte[] providerKey = WireGuardKeys.newPrivateKey(random);
    LinuxTun tun = LinuxTun.open("mwp" + suffix, 1420);
    Namespaces.run("ip", "link", "set", tun.name(), "netns", providerNs);
    namespaces.in(providerNs, "ip", "addr", "add", tunnelGateway + "/24", "dev", tun.name());
    namespaces.in(providerNs, "ip", "link", "set", tun.name(), "up");
    provider =
        WireGuardDevice.start(
            tun,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            providerKey,
            new WireGuardDevice.Options(256, System::nanoTime));
    client =
        new WireGuardClient(
            new WireGuardClient.Settings(interfaceName, false, WAIT),
            new HostNetwork(WAIT, Optional.of(consumerNs)),
            provider.address());
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (client != null) {
        client.close();
      }
      if (provider != null) {
        provider.close();
      }
    } finally {
      namespaces.close();
      Files.deleteIfExists(Path.of("/var/run/wireguard", interfaceName + ".sock"));
    }
  }

  /** The provider's offer for this consumer, with the given prefix length. */
  private byte[] offer(int prefixLength) throws Exception {
    byte[] consumerKey = WireGuardRequest.parseFrom(client.request()).getPublicKey().toByteArray();
    provider.addPeer(
        consumerKey,
        new byte[32],
        List.of(IpPrefix.parse(tunnelConsumer + "/32")),
        null,
        0,
        Peer.Traffic.NONE);
    return WireGuardOffer.newBuilder()
        .setPublicKey(ByteString.copyFrom(provider.publicKey()))
        .setEndpointHost("127.0.0.1")
        .setEndpointPort(provider.address().getPort())
        .setConsumerAddress(tunnelConsumer)
        .setProviderAddress(tunnelGateway)
        .setPrefixLength(prefixLength)
        .setDns(tunnelGateway)
        .setMtu(1420)
        .build()
        .toByteArray();
  }

  @Test
  void ipv6AndIpv6DnsDoNotLeaveByTheUnderlayWhileTheTunnelIsUpWithoutTheKillSwitch()
      throws Exception {
    namespaces.in(
        routerNs,
        "nft",
        "add table inet seen; add chain inet seen input { type filter hook input priority 0; };"
            + " add rule inet seen input ip6 saddr "
            + underlayV6Consumer
            + " icmpv6 type echo-request counter");
    Namespaces.Listener router =
        namespaces.listen(routerNs, underlayV6Router, "9999", underlayV6Router, "53");
    // before the tunnel, IPv6 gets through: the listener and the counter would see a leak
    namespaces.in(consumerNs, "ping", "-6", "-c", "1", "-W", "5", underlayV6Router);
    namespaces.send(consumerNs, underlayV6Router, "9999", "before");
    assertThat(router.next(WAIT)).isEqualTo(underlayV6Router + ":9999 before");

    client.start(offer(32), new byte[16], new Meter());
    // IPv4 goes into the tunnel meanwhile
    namespaces.in(consumerNs, "ping", "-c", "1", "-W", "5", tunnelGateway);
    assertThatThrownBy(
            () -> namespaces.in(consumerNs, "ping", "-6", "-c", "1", "-W", "2", underlayV6Router))
        .isInstanceOf(IOException.class);
    namespaces.send(
        consumerNs,
        underlayV6Router,
        "9999",
        "leak",
        underlayV6Router,
        "53",
        "dns query to an IPv6 resolver");
    assertThat(namespaces.in(consumerNs, "ip", "-6", "route", "get", underlayV6Router))
        .contains("mvc" + suffix); // it is the firewall, not a missing route, that holds it

    client.close();
    assertThatThrownBy(
            () ->
                namespaces.in(
                    consumerNs,
                    "nft",
                    "list",
                    "table",
                    "inet",
                    HostNetwork.tableName(interfaceName)))
        .isInstanceOf(IOException.class);
    // gone with the tunnel: the next datagram is the first the router hears since "before"
    namespaces.send(consumerNs, underlayV6Router, "9999", "after");
    assertThat(router.next(WAIT)).isEqualTo(underlayV6Router + ":9999 after");
    assertThat(namespaces.in(routerNs, "nft", "list", "chain", "inet", "seen", "input"))
        .contains("packets 1 ");
  }

  /**
   * With the kill switch on (review F14: "IPv6 is correctly dropped" had no test), neither IPv6 nor
   * IPv4 reaches the LAN while the tunnel is up, nor after it is lost, until the user disconnects.
   */
  @Test
  void withTheKillSwitchNothingLeavesByTheUnderlayWhileUpNorAfterTheTunnelIsLostUntilDisconnect()
      throws Exception {
    client.close(); // the kill-switch-off client of the other tests, never started
    client =
        new WireGuardClient(
            new WireGuardClient.Settings(interfaceName, true, WAIT),
            new HostNetwork(WAIT, Optional.of(consumerNs)),
            provider.address());
    String underlayV4Router = "10.92." + n + ".1";
    Namespaces.Listener router =
        namespaces.listen(
            routerNs, underlayV6Router, "9999", underlayV6Router, "53", underlayV4Router, "9998");
    namespaces.send(consumerNs, underlayV6Router, "9999", "before");
    assertThat(router.next(WAIT)).isEqualTo(underlayV6Router + ":9999 before");

    client.start(offer(32), new byte[16], new Meter());
    namespaces.in(consumerNs, "ping", "-c", "1", "-W", "5", tunnelGateway); // the tunnel carries
    namespaces.send(
        consumerNs, underlayV6Router, "9999", "leak while up", underlayV6Router, "53", "dns");
    client.lost(); // routes gone: IPv4 to the LAN would leave by the underlay now
    assertThat(client.blocking()).isTrue();
    namespaces.send(
        consumerNs,
        underlayV6Router,
        "9999",
        "leak after loss",
        underlayV4Router,
        "9998",
        "leak after loss");

    client.close(); // the user disconnects
    // the next datagram the router hears is the first since "before": nothing leaked meanwhile
    namespaces.send(consumerNs, underlayV4Router, "9998", "after");
    assertThat(router.next(WAIT)).isEqualTo(underlayV4Router + ":9998 after");
  }

  /**
   * What {@code mysterium disconnect} runs after a consumer that was killed lifts the block too.
   */
  @Test
  void theLeftoversOfAKilledConsumerAreRemovedWithItsIpv6Block() throws Exception {
    Namespaces.Listener router = namespaces.listen(routerNs, underlayV6Router, "9999");
    client.start(offer(32), new byte[16], new Meter());
    namespaces.send(consumerNs, underlayV6Router, "9999", "blocked");

    assertThat(
            WireGuardClient.removeLeftovers(
                new HostNetwork(WAIT, Optional.of(consumerNs)), interfaceName))
        .isTrue(); // the table was there
    namespaces.send(consumerNs, underlayV6Router, "9999", "free again");
    assertThat(router.next(WAIT)).isEqualTo(underlayV6Router + ":9999 free again");
  }

  @Test
  void aProviderOfferingASubnetRatherThanAHostAddressIsRefused() throws Exception {
    String routesBefore = namespaces.in(consumerNs, "ip", "-4", "route");

    assertThatThrownBy(() -> client.start(offer(24), new byte[16], new Meter()))
        .isInstanceOfSatisfying(
            OfferRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(OfferRefusedException.Reason.NOT_A_HOST_ADDRESS));
    assertThatThrownBy(() -> namespaces.in(consumerNs, "ip", "link", "show", interfaceName))
        .isInstanceOf(IOException.class);
    assertThat(namespaces.in(consumerNs, "ip", "-4", "route")).isEqualTo(routesBefore);
  }
}
