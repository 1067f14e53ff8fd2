package network.mysterium.service.tunnel;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import network.mysterium.service.Meter;
import network.mysterium.service.ServiceClient;
import network.mysterium.service.proto.WireGuardOffer;
import network.mysterium.service.proto.WireGuardRequest;
import network.mysterium.service.wireguard.IpPrefix;
import network.mysterium.service.wireguard.Peer;
import network.mysterium.service.wireguard.WireGuardDevice;
import network.mysterium.service.wireguard.WireGuardKeys;
import network.mysterium.service.wireguard.WireGuardUapi;
import network.mysterium.tun.TunDevice;

/**
 * The WireGuard service on the consumer: a fresh key per session, a TUN device with the offered
 * address, all IPv4 traffic routed into it (two /1 routes, so the default route stays as it was)
 * except to the provider itself, DNS redirected to the provider's resolver through the tunnel, IPv6
 * refused but on the local link (the tunnel carries IPv4 only: IPv6 would go around it), and a kill
 * switch: an nftables output policy that drops every packet that would leave outside the tunnel
 * (IPv6 included), while connected and after the tunnel is lost, until the user disconnects.
 */
public final class WireGuardClient implements ServiceClient {
  /** How the consumer runs its tunnel. */
  public record Settings(String interfaceName, boolean killSwitch, Duration handshakeTimeout) {
    public Settings {
      HostNetwork.checkInterfaceName(interfaceName);
    }

    public static Settings defaults() {
      return new Settings("myst0", true, Duration.ofSeconds(10));
    }
  }

  private final Settings settings;
  private final HostNetwork net;
  private final InetSocketAddress providerContact;
  private final byte[] privateKey = WireGuardKeys.newPrivateKey(new SecureRandom());
  private final HostNetwork.Undo tunnelUndo = new HostNetwork.Undo();
  private final HostNetwork.Undo firewallUndo = new HostNetwork.Undo();
  private volatile String description = "IP tunnel (not up)";
  private volatile boolean closed;

  /**
   * @param providerContact the provider's dialogue contact (it stays reachable outside the tunnel)
   */
  public WireGuardClient(Settings settings, HostNetwork net, InetSocketAddress providerContact) {
    this.settings = settings;
    this.net = net;
    this.providerContact = providerContact;
  }

  @Override
  public String serviceType() {
    return WireGuardBackend.TYPE;
  }

  @Override
  public byte[] request() {
    return WireGuardRequest.newBuilder()
        .setPublicKey(ByteString.copyFrom(WireGuardKeys.publicKey(privateKey)))
        .build()
        .toByteArray();
  }

  @Override
  public void start(byte[] providerData, byte[] sessionId, Meter meter) throws IOException {
    WireGuardOffer offer;
    InetAddress endpointHost;
    InetAddress address;
    InetAddress dns;
    try {
      offer = WireGuardOffer.parseFrom(providerData);
      endpointHost = InetAddress.ofLiteral(offer.getEndpointHost());
      address = InetAddress.ofLiteral(offer.getConsumerAddress());
      dns = InetAddress.ofLiteral(offer.getDns());
      if (offer.getPublicKey().size() != 32
          || !(address instanceof Inet4Address)
          || !(dns instanceof Inet4Address)
          || !(endpointHost instanceof Inet4Address)
          || offer.getEndpointPort() == 0
          || offer.getEndpointPort() > 65_535
          || offer.getMtu() < 576
          || offer.getMtu() > 9000) {
        throw new IllegalArgumentException("out of range");
      }
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new OfferRefusedException(
          OfferRefusedException.Reason.MALFORMED, "the provider's WireGuard offer is malformed");
    }
    if (offer.getPrefixLength() != 32) {
      throw new OfferRefusedException(
          OfferRefusedException.Reason.NOT_A_HOST_ADDRESS,
          "the provider offered the tunnel address "
              + address.getHostAddress()
              + "/"
              + offer.getPrefixLength()
              + ", not a single host address (/32): that would route part of this network into"
              + " its tunnel");
    }
    InetSocketAddress endpoint = new InetSocketAddress(endpointHost, offer.getEndpointPort());
    try {
      bringUp(offer, endpoint, address, dns, meter);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void bringUp(
      WireGuardOffer offer,
      InetSocketAddress endpoint,
      InetAddress address,
      InetAddress dns,
      Meter meter)
      throws IOException {
    TunDevice tun = net.openTun(settings.interfaceName(), offer.getMtu());
    tunnelUndo.add(tun::close);
    String name = tun.name();
    net.run("ip", "addr", "add", address.getHostAddress() + "/32", "dev", name);
    net.run("ip", "link", "set", name, "up");
    WireGuardDevice device =
        WireGuardDevice.start(
            tun, new InetSocketAddress(0), privateKey, WireGuardDevice.Options.defaults());
    tunnelUndo.add(device::close);
    WireGuardUapi uapi = WireGuardUapi.serve(device, WireGuardUapi.DEFAULT_DIRECTORY);
    tunnelUndo.add(uapi::close); // `wg show` works on this interface
    Peer provider =
        device.addPeer(
            offer.getPublicKey().toByteArray(),
            new byte[32],
            List.of(IpPrefix.parse("0.0.0.0/0")),
            endpoint,
            25, // keeps NAT mappings on the way open
            Peer.Traffic.of(meter::countToConsumer, meter::countFromConsumer));
    device.connect(provider);
    long deadline = System.nanoTime() + settings.handshakeTimeout().toNanos();
    while (!provider.established()) {
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "no WireGuard handshake with the provider at "
                + endpoint.getAddress().getHostAddress()
                + ":"
                + endpoint.getPort()
                + " within "
                + settings.handshakeTimeout().toSeconds()
                + " s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the handshake", e);
      }
    }
    // the provider itself stays reachable the way it was: the tunnel runs over that path
    Set<InetAddress> outside = new LinkedHashSet<>();
    outside.add(endpoint.getAddress());
    outside.add(providerContact.getAddress());
    for (InetAddress host : outside) {
      HostNetwork.Route route = net.routeTo(host);
      String hostRoute = host.getHostAddress() + "/32";
      List<String> add = new java.util.ArrayList<>(List.of("ip", "route", "replace", hostRoute));
      route.via().ifPresent(gateway -> add.addAll(List.of("via", gateway)));
      add.addAll(List.of("dev", route.device()));
      net.run(add.toArray(String[]::new));
      tunnelUndo.add(() -> net.run("ip", "route", "del", hostRoute));
    }
    for (String half : new String[] {"0.0.0.0/1", "128.0.0.0/1"}) {
      net.run("ip", "route", "replace", half, "dev", name);
    }
    String table = HostNetwork.tableName(name);
    net.deleteTable("inet", table); // left by a consumer that was killed
    net.nft(firewall(table, name, endpoint, providerContact, dns, settings.killSwitch()));
    // with the kill switch, the table outlives a lost tunnel, until the user disconnects
    (settings.killSwitch() ? firewallUndo : tunnelUndo).add(() -> net.deleteTable("inet", table));
    description =
        "IP tunnel "
            + name
            + " ("
            + address.getHostAddress()
            + ", DNS "
            + dns.getHostAddress()
            + (settings.killSwitch() ? ", kill switch on" : "")
            + ")";
  }

  /**
   * DNS to anywhere but loopback goes to the provider's resolver (through the tunnel, from the
   * tunnel's address); IPv6 DNS cannot be redirected to it, so it is refused, as is all other IPv6
   * but loopback and the local link (neighbour discovery keeps the underlay working); refused
   * rather than dropped, so programs fall back to IPv4 at once. With the kill switch, nothing
   * leaves but through the tunnel, to the provider's endpoint and contact, or on loopback.
   */
  static String firewall(
      String table,
      String name,
      InetSocketAddress endpoint,
      InetSocketAddress contact,
      InetAddress dns,
      boolean killSwitch) {
    // a redirected DNS query still has its first route's source: masquerade onto the tunnel
    return """
    table inet %1$s {
    %2$s  chain dns {
        type nat hook output priority -100; policy accept;
        ip daddr != 127.0.0.0/8 udp dport 53 dnat ip to %3$s
        ip daddr != 127.0.0.0/8 tcp dport 53 dnat ip to %3$s
      }
      chain source {
        type nat hook postrouting priority 100; policy accept;
        oifname "%4$s" masquerade
      }
      chain ipv6 {
        type filter hook output priority 0; policy accept;
        meta nfproto ipv6 oif "lo" accept
        meta nfproto ipv6 meta l4proto { tcp, udp } th dport 53 reject with icmpx admin-prohibited
        ip6 daddr { fe80::/10, ff02::/16 } accept
        meta nfproto ipv6 reject with icmpx admin-prohibited
      }
    }
    """
        .formatted(
            table,
            killSwitch ? killSwitch(name, endpoint, contact) : "",
            dns.getHostAddress(),
            name);
  }

  /**
   * At postrouting, where the device is the one the packet really leaves by (after the DNS
   * redirection rerouted it); the output hook still shows the first route's. The dialogue with the
   * provider may run over TCP or UDP.
   */
  private static String killSwitch(
      String name, InetSocketAddress endpoint, InetSocketAddress contact) {
    return """
      chain leave {
        type filter hook postrouting priority 0; policy drop;
        oif "lo" accept
        oifname "%1$s" accept
        ip daddr %2$s udp dport %3$d accept
        ip daddr %4$s meta l4proto { tcp, udp } th dport %5$d accept
      }
    """
        .formatted(
            name,
            endpoint.getAddress().getHostAddress(),
            endpoint.getPort(),
            contact.getAddress().getHostAddress(),
            contact.getPort());
  }

  /**
   * Removes what a consumer that did not stop cleanly (killed, crashed) left: its kill switch and
   * DNS redirection, and its routes if the interface is still there. Returns whether a kill switch
   * was found.
   */
  public static boolean removeLeftovers(HostNetwork net, String interfaceName) {
    String table = HostNetwork.tableName(interfaceName);
    boolean found;
    try {
      net.run("nft", "list", "table", "inet", table);
      found = true;
    } catch (IOException e) {
      found = false;
    }
    net.deleteTable("inet", table);
    for (String half : new String[] {"0.0.0.0/1", "128.0.0.0/1"}) {
      try {
        net.run("ip", "route", "del", half, "dev", interfaceName);
      } catch (IOException e) {
        // gone with its interface
      }
    }
    return found;
  }

  @Override
  public String describe() {
    return description;
  }

  /** Whether the kill switch is holding traffic (after the tunnel was lost, until close). */
  public boolean blocking() {
    return !closed && settings.killSwitch();
  }

  @Override
  public void lost() {
    tunnelUndo.runAll(); // the tunnel goes; the kill switch stays until the user disconnects
    description = "IP tunnel lost" + (settings.killSwitch() ? "; kill switch holding" : "");
  }

  @Override
  public void close() {
    closed = true;
    tunnelUndo.runAll();
    firewallUndo.runAll();
    Arrays.fill(privateKey, (byte) 0);
  }
}
