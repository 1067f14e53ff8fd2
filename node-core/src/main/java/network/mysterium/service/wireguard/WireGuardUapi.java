package network.mysterium.service.wireguard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cross-platform WireGuard control protocol (UAPI) on {@code /var/run/wireguard/<iface>.sock},
 * so that the stock {@code wg show} and {@code wg set} work on our interfaces: {@code get=1} lists
 * the device and its peers, {@code set=1} adds, changes and removes peers. {@code get=1} hands out
 * the device's private key, as wireguard-go and the kernel do ({@code wg showconf} prints it): the
 * socket is root's only (0600), so only who could read the key anyway gets it. Changing the key or
 * the listen port is refused (EINVAL): both are fixed for a device's life here.
 */
public final class WireGuardUapi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WireGuardUapi.class);
  private static final int EINVAL = 22;
  private static final int EPROTO = 71;
  public static final Path DEFAULT_DIRECTORY = Path.of("/var/run/wireguard");

  private final WireGuardDevice device;
  private final ServerSocketChannel server;
  private final Path socket;
  private final Thread acceptor;

  private WireGuardUapi(WireGuardDevice device, ServerSocketChannel server, Path socket) {
    this.device = device;
    this.server = server;
    this.socket = socket;
    this.acceptor =
        Thread.ofPlatform().name("wg-uapi-" + device.name()).daemon().unstarted(this::accept);
  }

  /** Serves the device's UAPI in {@code directory} (created 0755 if missing). */
  public static WireGuardUapi serve(WireGuardDevice device, Path directory) throws IOException {
    Files.createDirectories(directory);
    Path socket = directory.resolve(device.name() + ".sock");
    Files.deleteIfExists(socket); // left by a process that was killed
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    WireGuardUapi uapi = new WireGuardUapi(device, server, socket);
    uapi.acceptor.start();
    return uapi;
  }

  private void accept() {
    while (server.isOpen()) {
      try (SocketChannel client = server.accept()) {
        serve(client);
      } catch (IOException e) {
        if (server.isOpen()) {
          LOG.debug("uapi: {}", e.getMessage());
        }
      }
    }
  }

  private void serve(SocketChannel client) throws IOException {
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
    OutputStream out = Channels.newOutputStream(client);
    String line;
    while ((line = in.readLine()) != null) {
      String response;
      if (line.equals("get=1")) {
        readUntilBlank(in);
        response = get() + "errno=0\n\n";
      } else if (line.equals("set=1")) {
        response = "errno=" + set(in) + "\n\n";
      } else {
        response = "errno=" + EPROTO + "\n\n";
      }
      out.write(response.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private static void readUntilBlank(BufferedReader in) throws IOException {
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      // get=1 has no arguments
    }
  }

  String get() {
    HexFormat hex = HexFormat.of();
    StringBuilder out = new StringBuilder();
    out.append("private_key=").append(hex.formatHex(device.privateKey())).append('\n');
    out.append("listen_port=").append(device.address().getPort()).append('\n');
    for (Peer peer : device.peers()) {
      out.append("public_key=").append(hex.formatHex(peer.publicKey)).append('\n');
      out.append("preshared_key=").append(hex.formatHex(peer.presharedKey)).append('\n');
      out.append("protocol_version=1\n");
      InetSocketAddress endpoint = peer.endpoint;
      if (endpoint != null) {
        InetAddress address = endpoint.getAddress();
        String host =
            address instanceof java.net.Inet6Address
                ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        out.append("endpoint=").append(host).append(':').append(endpoint.getPort()).append('\n');
      }
      long handshake = peer.lastHandshakeEpochMillis;
      out.append("last_handshake_time_sec=").append(handshake / 1000).append('\n');
      out.append("last_handshake_time_nsec=").append(handshake % 1000 * 1_000_000).append('\n');
      out.append("tx_bytes=").append(peer.txBytes()).append('\n');
      out.append("rx_bytes=").append(peer.rxBytes()).append('\n');
      out.append("persistent_keepalive_interval=")
          .append(peer.persistentKeepaliveSeconds)
          .append('\n');
      for (IpPrefix prefix : device.allowedIps(peer)) {
        out.append("allowed_ip=").append(prefix).append('\n');
      }
    }
    return out.toString();
  }

  /** Applies a set=1 request; 0 or an errno. Lines are read up to the blank one in any case. */
  int set(BufferedReader in) throws IOException {
    HexFormat hex = HexFormat.of();
    int errno = 0;
    Peer peer = null;
    boolean updateOnly = false;
    boolean removed = false;
    byte[] pendingKey = null;
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      if (errno != 0) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        errno = EINVAL;
        continue;
      }
      String key = line.substring(0, eq);
      String value = line.substring(eq + 1);
      try {
        switch (key) {
          case "private_key" -> {
            if (!device.hasPrivateKey(hex.parseHex(value))) {
              errno = EINVAL; // fixed for the device's life
            }
          }
          case "listen_port" -> {
            if (Integer.parseInt(value) != device.address().getPort()) {
              errno = EINVAL;
            }
          }
          case "fwmark" -> {
            if (Integer.parseInt(value) != 0) {
              errno = EINVAL;
            }
          }
          case "replace_peers" -> {
            for (Peer p : device.peers()) {
              device.removePeer(p.publicKey);
            }
          }
          case "public_key" -> {
            if (pendingKey != null && peer == null && !updateOnly && !removed) {
              create(null, pendingKey, false); // a peer named and nothing more: it is added
            }
            pendingKey = key32(hex.parseHex(value));
            peer = device.peer(pendingKey);
            updateOnly = false;
            removed = false;
          }
          case "update_only" -> updateOnly = true;
          case "remove" -> {
            device.removePeer(pendingKey);
            peer = null;
            removed = true;
          }
          case "preshared_key" ->
              device.setPresharedKey(
                  create(peer, pendingKey, updateOnly), key32(hex.parseHex(value)));
          case "endpoint" ->
              device.setEndpoint(create(peer, pendingKey, updateOnly), endpoint(value));
          case "persistent_keepalive_interval" ->
              device.setPersistentKeepalive(
                  create(peer, pendingKey, updateOnly), Integer.parseInt(value));
          case "replace_allowed_ips" ->
              device.clearAllowedIps(create(peer, pendingKey, updateOnly));
          case "allowed_ip" ->
              device.allow(create(peer, pendingKey, updateOnly), IpPrefix.parse(value));
          case "protocol_version" -> {
            if (!value.equals("1")) {
              errno = EINVAL;
            }
          }
          default -> errno = EINVAL;
        }
        if (peer == null && pendingKey != null && !removed) {
          peer = device.peer(pendingKey);
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        errno = EINVAL;
      }
    }
    if (errno == 0 && pendingKey != null && peer == null && !updateOnly && !removed) {
      create(null, pendingKey, false);
    }
    return errno;
  }

  private Peer create(Peer peer, byte[] key, boolean updateOnly) {
    if (peer != null) {
      return peer;
    }
    if (key == null || updateOnly) {
      throw new IllegalStateException("no peer to change");
    }
    Peer existing = device.peer(key);
    return existing != null
        ? existing
        : device.addPeer(key, new byte[32], List.of(), null, 0, Peer.Traffic.NONE);
  }

  private static byte[] key32(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("a key is 32 bytes");
    }
    return key;
  }

  private static InetSocketAddress endpoint(String value) {
    int colon = value.lastIndexOf(':');
    String host = value.substring(0, colon).replace("[", "").replace("]", "");
    return new InetSocketAddress(
        InetAddress.ofLiteral(host), Integer.parseInt(value.substring(colon + 1)));
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
  }
}
