package network.mysterium.service.tunnel;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import network.mysterium.net.InternetAddresses;
import network.mysterium.service.Meter;
import network.mysterium.service.ServiceBackend;
import network.mysterium.service.proto.WireGuardOffer;
import network.mysterium.service.proto.WireGuardRequest;
import network.mysterium.service.wireguard.IpPrefix;
import network.mysterium.service.wireguard.WireGuardDevice;
import network.mysterium.service.wireguard.WireGuardKeys;
import network.mysterium.service.wireguard.WireGuardUapi;
import network.mysterium.tun.TunDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WireGuard service on the provider: one device, a peer per session with a tunnel address from
 * the pool, forwarding and NAT (nftables masquerade) out of the provider's own interfaces, and a
 * resolver on the tunnel address. Consumers may not reach the provider's private networks (nor each
 * other) unless the provider allows private targets. Everything it set up on the host is removed
 * when it closes, and a session's peer when the session ends.
 */
public final class WireGuardBackend implements ServiceBackend, AutoCloseable {
  public static final String TYPE = "wireguard";
  private static final Logger LOG = LoggerFactory.getLogger(WireGuardBackend.class);

  /** The SOCKS exit's list: both services keep consumers off the same ranges. */
  private static final String PRIVATE_RANGES =
      "{ " + String.join(", ", InternetAddresses.NON_PUBLIC_IPV4) + " }";

  /** How the provider runs its tunnel. */
  public record Settings(
      String interfaceName, int listenPort, IpPrefix subnet, int mtu, boolean allowPrivateTargets) {
    public Settings {
      HostNetwork.checkInterfaceName(interfaceName);
    }

    public static Settings defaults(int listenPort, boolean allowPrivateTargets) {
      return new Settings(
          "myst-wg0", listenPort, IpPrefix.parse("10.182.0.0/24"), 1420, allowPrivateTargets);
    }
  }

  private record Tunnel(byte[] publicKey, InetAddress address) {}

  private final Settings settings;
  private final String advertisedHost;
  private final AddressPool pool;
  private final HostNetwork.Undo undo;
  private final WireGuardDevice device;
  private final Map<String, Tunnel> tunnels = new ConcurrentHashMap<>();

  private WireGuardBackend(
      Settings settings,
      String advertisedHost,
      AddressPool pool,
      HostNetwork.Undo undo,
      WireGuardDevice device) {
    this.settings = settings;
    this.advertisedHost = advertisedHost;
    this.pool = pool;
    this.undo = undo;
    this.device = device;
  }

  /**
   * Brings the device up and configures the host: address, link, forwarding, NAT, resolver.
   *
   * @param advertisedHost the address consumers reach the device at (the provider's public one)
   * @throws IOException when any step fails (what was done is undone), e.g. without root
   */
  public static WireGuardBackend start(Settings settings, String advertisedHost, HostNetwork net)
      throws IOException {
    AddressPool pool = new AddressPool(settings.subnet());
    HostNetwork.Undo undo = new HostNetwork.Undo();
    try {
      TunDevice tun = net.openTun(settings.interfaceName(), settings.mtu());
      undo.add(tun::close);
      String name = tun.name();
      String gateway = pool.gateway().getHostAddress();
      net.run("ip", "addr", "add", gateway + "/" + settings.subnet().bits(), "dev", name);
      net.run("ip", "link", "set", name, "up");
      String forwarding = net.readSysctl("net.ipv4.ip_forward");
      if (!forwarding.equals("1")) {
        net.writeSysctl("net.ipv4.ip_forward", "1");
        undo.add(() -> net.writeSysctl("net.ipv4.ip_forward", forwarding));
      }
      String table = HostNetwork.tableName(name);
      net.deleteTable("ip", table); // left over from a provider that was killed
      net.nft(firewall(table, name, settings));
      undo.add(() -> net.deleteTable("ip", table));
      byte[] key = WireGuardKeys.newPrivateKey(new SecureRandom());
      WireGuardDevice device =
          WireGuardDevice.start(
              tun,
              new InetSocketAddress(settings.listenPort()),
              key,
              WireGuardDevice.Options.defaults());
      java.util.Arrays.fill(key, (byte) 0);
      undo.add(device::close);
      WireGuardUapi uapi = WireGuardUapi.serve(device, WireGuardUapi.DEFAULT_DIRECTORY);
      undo.add(uapi::close); // `wg show` works on this interface
      DnsForwarder dns =
          DnsForwarder.start(
              new InetSocketAddress(pool.gateway(), 53),
              DnsForwarder.systemResolver(Path.of("/etc/resolv.conf")));
      undo.add(dns::close);
      return new WireGuardBackend(settings, advertisedHost, pool, undo, device);
    } catch (IOException | RuntimeException e) {
      undo.runAll();
      throw e;
    }
  }

  /**
   * Forwarding out of the tunnel with masquerade; nothing into it that was not asked for. The
   * resolver on the gateway address answers the tunnel only: the host would take a query for that
   * address from any interface (its LAN's included).
   */
  static String firewall(String table, String name, Settings settings) {
    String privateDrop =
        settings.allowPrivateTargets()
            ? ""
            : "    iifname \"%s\" ip daddr %s drop\n".formatted(name, PRIVATE_RANGES);
    return """
    table ip %1$s {
      chain forward {
        type filter hook forward priority -1; policy accept;
        iifname "%2$s" oifname "%2$s" drop
    %4$s    iifname "%2$s" ip saddr %3$s accept
        iifname "%2$s" drop
        oifname "%2$s" ct state established,related accept
        oifname "%2$s" drop
      }
      chain input {
        type filter hook input priority -1; policy accept;
        iifname != "%2$s" ip daddr %5$s meta l4proto { tcp, udp } th dport 53 drop
        iifname "%2$s" udp dport 53 accept
        iifname "%2$s" icmp type echo-request accept
        iifname "%2$s" ct state established,related accept
        iifname "%2$s" drop
      }
      chain postrouting {
        type nat hook postrouting priority 100; policy accept;
        ip saddr %3$s oifname != "%2$s" masquerade
      }
    }
    """
        .formatted(
            table,
            name,
            settings.subnet(),
            privateDrop,
            new AddressPool(settings.subnet()).gateway().getHostAddress());
  }

  @Override
  public byte[] open(byte[] sessionId, byte[] serviceData, Meter meter) throws RefusedException {
    byte[] consumerKey;
    try {
      consumerKey = WireGuardRequest.parseFrom(serviceData).getPublicKey().toByteArray();
    } catch (InvalidProtocolBufferException e) {
      throw new RefusedException("the WireGuard request is malformed");
    }
    if (consumerKey.length != 32) {
      throw new RefusedException("a WireGuard public key is 32 bytes");
    }
    if (device.peer(consumerKey) != null) {
      throw new RefusedException("that WireGuard key is in use by another session");
    }
    InetAddress address =
        pool.allocate().orElseThrow(() -> new RefusedException("no tunnel address is free"));
    String id = HexFormat.of().formatHex(sessionId);
    tunnels.put(id, new Tunnel(consumerKey, address));
    device.addPeer(
        consumerKey,
        new byte[32],
        List.of(IpPrefix.host(address)),
        null, // learnt from the consumer's first initiation
        0,
        new MeteredTraffic(meter));
    if (!meter.open(() -> release(id))) {
      throw new RefusedException("the session has stopped");
    }
    return WireGuardOffer.newBuilder()
        .setPublicKey(ByteString.copyFrom(device.publicKey()))
        .setEndpointHost(advertisedHost)
        .setEndpointPort(device.address().getPort())
        .setConsumerAddress(address.getHostAddress())
        .setProviderAddress(pool.gateway().getHostAddress())
        .setPrefixLength(32) // a host address: the consumer routes to the tunnel by itself
        .setDns(pool.gateway().getHostAddress())
        .setMtu(settings.mtu())
        .build()
        .toByteArray();
  }

  @Override
  public void closed(byte[] sessionId) {
    release(HexFormat.of().formatHex(sessionId));
  }

  /** The session's peer goes (its keys with it) and its address back to the pool. */
  private void release(String sessionId) {
    Tunnel tunnel = tunnels.remove(sessionId);
    if (tunnel != null) {
      device.removePeer(tunnel.publicKey());
      pool.release(tunnel.address());
      LOG.debug("tunnel {} released", tunnel.address().getHostAddress());
    }
  }

  /** The device (for its peers and the UAPI). */
  public WireGuardDevice device() {
    return device;
  }

  @Override
  public void close() {
    undo.runAll();
  }
}
