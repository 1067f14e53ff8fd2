package network.mysterium.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bytes the kernel holds in this machine's TCP connections, at one moment: per connection, what
 * this side wrote that the peer's kernel has not yet acknowledged ({@code SIOCOUTQ}), and what the
 * peer sent that this process has not yet read ({@code SIOCINQ}). Read from the kernel's tables
 * (Linux {@code /proc/net/tcp} and {@code tcp6}, whose {@code tx_queue} and {@code rx_queue} are
 * exactly those two numbers for a connected socket): Java hands out no socket's descriptor without
 * opening the JDK's internals, so the ioctls themselves are out of reach, and one read of the
 * tables serves every connection of the snapshot. Elsewhere the tables do not exist and nothing is
 * known.
 */
public final class TcpQueues {
  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
  // a listening socket's queues are its backlog, a closed (reset) one's were thrown away; every
  // other state is a connection's (after a shutdown too: FIN_WAIT and CLOSE_WAIT keep their queues)
  private static final String LISTEN = "0A";
  private static final String CLOSE = "07";

  /** One connection's queues, in bytes as the kernel counts them (TLS records included). */
  public record Queued(long unacknowledged, long unread) {}

  record Ends(InetAddress local, int localPort, InetAddress remote, int remotePort) {}

  private final Map<Ends, Queued> connections;

  private TcpQueues(Map<Ends, Queued> connections) {
    this.connections = connections;
  }

  /** The kernel's tables now (empty where there are none). */
  public static TcpQueues read() {
    Map<Ends, Queued> connections = new HashMap<>();
    for (Path table : TABLES) {
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException e) {
        continue;
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        parse(line).ifPresent(entry -> connections.put(entry.getKey(), entry.getValue()));
      }
    }
    return new TcpQueues(connections);
  }

  /**
   * The tables at most {@code maxAgeNanos} old: one read serves every caller meanwhile (a read
   * walks the kernel's whole connection table, milliseconds on a busy host).
   */
  public static Supplier<TcpQueues> cached(long maxAgeNanos) {
    return new Supplier<>() {
      private TcpQueues last;
      private long at;

      @Override
      public synchronized TcpQueues get() {
        long now = System.nanoTime();
        if (last == null || now - at > maxAgeNanos) {
          last = read();
          at = now;
        }
        return last;
      }
    };
  }

  /** The queues of a connected socket, when the kernel lists it (a reset one it does not). */
  public Optional<Queued> of(Socket socket) {
    return ends(socket.getLocalSocketAddress(), socket.getRemoteSocketAddress())
        .map(connections::get);
  }

  /** A table line: "sl local remote st tx_queue:rx_queue ..." with hex fields. */
  static Optional<Map.Entry<Ends, Queued>> parse(String line) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 5 || f[3].equals(LISTEN) || f[3].equals(CLOSE)) {
      return Optional.empty();
    }
    int colon = f[4].indexOf(':');
    Optional<InetSocketAddress> local = endpoint(f[1]);
    Optional<InetSocketAddress> remote = endpoint(f[2]);
    if (colon < 0 || local.isEmpty() || remote.isEmpty()) {
      return Optional.empty();
    }
    try {
      Queued queued =
          new Queued(
              Long.parseLong(f[4].substring(0, colon), 16),
              Long.parseLong(f[4].substring(colon + 1), 16));
      return ends(local.get(), remote.get()).map(ends -> Map.entry(ends, queued));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<InetSocketAddress> endpoint(String entry) {
    int colon = entry.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(entry.substring(colon + 1), 16);
      return LocalPeers.decode(entry.substring(0, colon))
          .map(address -> new InetSocketAddress(address, port));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Ends> ends(SocketAddress local, SocketAddress remote) {
    if (local instanceof InetSocketAddress l
        && remote instanceof InetSocketAddress r
        && l.getAddress() != null
        && r.getAddress() != null) {
      return Optional.of(
          new Ends(
              LocalPeers.unmapped(l.getAddress()),
              l.getPort(),
              LocalPeers.unmapped(r.getAddress()),
              r.getPort()));
    }
    return Optional.empty();
  }
}
