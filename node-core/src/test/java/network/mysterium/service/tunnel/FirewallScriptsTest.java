package network.mysterium.service.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import network.mysterium.service.wireguard.IpPrefix;
import network.mysterium.service.wireguard.Peer;
import network.mysterium.service.wireguard.WireGuardDevice;
import network.mysterium.service.wireguard.WireGuardKeys;
import network.mysterium.tun.LinuxTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider's nftables script ({@link WireGuardBackend#firewall}) loaded for real in a provider
 * namespace: a consumer namespace reaches it through our WireGuard devices on real TUN devices, and
 * a LAN namespace behind the provider holds private targets (198.18.0.1, 192.0.0.8) and a public
 * one (203.0.113.5, standing for the Internet). A listener on the gateway address stands for the
 * provider's resolver. Each refusal is checked against a datagram sent after it on the same path,
 * which must be the next one heard.
 */
class FirewallScriptsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final SecureRandom random = new SecureRandom();
  private final String suffix = HexFormat.of().formatHex(random.generateSeed(2));
  private final int n = 100 + random.nextInt(100);
  private final String gateway = "10.91." + n + ".1";
  private final String consumerAddress = "10.91." + n + ".2";
  private final String providerLan = "10.90." + n + ".1";
  private final String lanHost = "10.90." + n + ".2";
  private final String tunName = "mfp" + suffix;
  private final Namespaces namespaces = new Namespaces();
  private String consumerNs;
  private String providerNs;
  private String lanNs;
  private WireGuardDevice consumer;
  private WireGuardDevice provider;

  @BeforeEach
  void network() throws Exception {
    consumerNs = namespaces.add("mys-fc-" + suffix);
    providerNs = namespaces.add("mys-fp-" + suffix);
    lanNs = namespaces.add("mys-fl-" + suffix);
    namespaces.veth(providerNs, "mfv" + suffix, lanNs, "mfl" + suffix);
    namespaces.in(providerNs, "ip", "addr", "add", providerLan + "/24", "dev", "mfv" + suffix);
    namespaces.in(lanNs, "ip", "addr", "add", lanHost + "/24", "dev", "mfl" + suffix);
    namespaces.in(lanNs, "ip", "route", "add", "default", "via", providerLan);
    for (String target : List.of("198.18.0.1", "192.0.0.8", "203.0.113.5")) {
      namespaces.in(lanNs, "ip", "addr", "add", target + "/32", "dev", "lo");
      namespaces.in(providerNs, "ip", "route", "add", target + "/32", "via", lanHost);
    }
    namespaces.in(providerNs, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    byte[] consumerKey = WireGuardKeys.newPrivateKey(random);
    byte[] providerKey = WireGuardKeys.newPrivateKey(random);
    consumer = device("mfc" + suffix, consumerNs, consumerAddress + "/32", consumerKey);
    provider = device(tunName, providerNs, gateway + "/24", providerKey);
    namespaces.in(consumerNs, "ip", "route", "add", "0.0.0.0/1", "dev", "mfc" + suffix);
    namespaces.in(consumerNs, "ip", "route", "add", "128.0.0.0/1", "dev", "mfc" + suffix);
    consumer.addPeer(
        WireGuardKeys.publicKey(providerKey),
        new byte[32],
        List.of(IpPrefix.parse("0.0.0.0/0")),
        provider.address(),
        0,
        Peer.Traffic.NONE);
    provider.addPeer(
        WireGuardKeys.publicKey(consumerKey),
        new byte[32],
        List.of(IpPrefix.parse(consumerAddress + "/32")),
        consumer.address(),
        0,
        Peer.Traffic.NONE);
  }

  private WireGuardDevice device(String name, String ns, String address, byte[] key)
      throws Exception {
    LinuxTun tun = LinuxTun.open(name, 1420);
    Namespaces.run("ip", "link", "set", tun.name(), "netns", ns);
    namespaces.in(ns, "ip", "addr", "add", address, "dev", tun.name());
    namespaces.in(ns, "ip", "link", "set", tun.name(), "up");
    return WireGuardDevice.start(
        tun,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        key,
        new WireGuardDevice.Options(256, System::nanoTime));
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      for (WireGuardDevice d : new WireGuardDevice[] {consumer, provider}) {
        if (d != null) {
          d.close();
        }
      }
    } finally {
      namespaces.close();
    }
  }

  /** Loads the provider's script in its namespace, as {@link WireGuardBackend#start} does. */
  private void providerFirewall(boolean allowPrivateTargets) throws Exception {
    String table = HostNetwork.tableName(tunName);
    try {
      namespaces.in(providerNs, "nft", "delete", "table", "ip", table);
    } catch (java.io.IOException e) {
      // first load
    }
    namespaces.inWithInput(
        providerNs,
        WireGuardBackend.firewall(
            table,
            tunName,
            new WireGuardBackend.Settings(
                tunName, 51820, IpPrefix.parse("10.91." + n + ".0/24"), 1420, allowPrivateTargets)),
        "nft",
        "-f",
        "-");
  }

  @Test
  void aConsumerCannotReachTheSocksExitsPrivateRangesBehindTheProvider() throws Exception {
    providerFirewall(false);
    Namespaces.Listener lan =
        namespaces.listen(lanNs, "198.18.0.1", "9999", "192.0.0.8", "9999", "203.0.113.5", "9999");
    namespaces.in(consumerNs, "ping", "-c", "1", "-W", "5", gateway); // the tunnel is up

    namespaces.send(
        consumerNs,
        "198.18.0.1",
        "9999",
        "benchmarking",
        "192.0.0.8",
        "9999",
        "protocol assignments",
        "203.0.113.5",
        "9999",
        "public");
    assertThat(lan.next(WAIT)).isEqualTo("203.0.113.5:9999 public");

    // the same datagram arrives when the provider allows private targets: the drop did it
    providerFirewall(true);
    namespaces.send(consumerNs, "198.18.0.1", "9999", "allowed");
    assertThat(lan.next(WAIT)).isEqualTo("198.18.0.1:9999 allowed");
  }

  @Test
  void theProvidersResolverAnswersTheTunnelOnlyNotItsLan() throws Exception {
    providerFirewall(false);
    Namespaces.Listener resolver = namespaces.listen(providerNs, gateway, "53", gateway, "5300");

    namespaces.send(consumerNs, gateway, "53", "from the tunnel");
    assertThat(resolver.next(WAIT)).isEqualTo(gateway + ":53 from the tunnel");
    namespaces.send(lanNs, gateway, "53", "from the lan", gateway, "5300", "lan, another port");
    assertThat(resolver.next(WAIT)).isEqualTo(gateway + ":5300 lan, another port");
  }
}
