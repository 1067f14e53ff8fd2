package network.mysterium.messaging.channel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel for networks that block UDP: datagrams as length-prefixed frames (2 bytes, big
 * endian, then the datagram) over TCP connections. A node answers on the connection a peer opened,
 * so the peer may sit behind NAT; each side otherwise connects on first send. Delivery is still
 * treated as unreliable: dialogues acknowledge and retransmit as over UDP.
 *
 * <p>Strangers cost bounded resources: at most {@link Limits#connections} connections, {@link
 * Limits#perSource} from one address, each closed after {@link Limits#idle} without a frame. A send
 * never blocks its caller (the dialogue timers of every peer): frames queue per connection (a full
 * queue drops, as a lossy link would), a connection's own thread connects and writes, and a peer
 * that stops reading is cut off once a write has waited {@link Limits#stalled}.
 */
public final class TcpChannel implements Channel {
  /** What one channel allows; the defaults suit a node serving a few hundred peers. */
  public record Limits(
      int connections, int perSource, Duration idle, Duration stalled, int queuedFrames) {
    public static final Limits DEFAULT =
        new Limits(1024, 16, Duration.ofSeconds(120), Duration.ofSeconds(10), 256);
  }

  private static final Logger LOG = LoggerFactory.getLogger(TcpChannel.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int MAX_FRAME = 0xffff;

  private final ServerSocket server;
  private final Contact local;
  private final Limits limits;
  private final Map<Contact, Connection> connections = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> perSource = new ConcurrentHashMap<>();
  private final AtomicLong refusedConnections = new AtomicLong();
  private final AtomicLong droppedFrames = new AtomicLong();
  private volatile Receiver receiver;
  private volatile boolean open = true;

  private TcpChannel(ServerSocket server, Limits limits) {
    this.server = server;
    this.limits = limits;
    this.local = new Contact("tcp", (InetSocketAddress) server.getLocalSocketAddress());
    Thread.ofVirtual().name("tcp-stalls-" + local.address().getPort()).start(this::watchStalls);
  }

  public static TcpChannel bind(InetSocketAddress address) throws IOException {
    return bind(address, Limits.DEFAULT);
  }

  public static TcpChannel bind(InetSocketAddress address, Limits limits) throws IOException {
    ServerSocket server = new ServerSocket();
    try {
      server.bind(address);
    } catch (IOException e) {
      server.close();
      throw new IOException("cannot listen on TCP " + address + ": " + e.getMessage(), e);
    }
    return new TcpChannel(server, limits);
  }

  @Override
  public Contact localContact() {
    return local;
  }

  /** Connections refused at accept (over the total or per-address limit). */
  public long refusedConnections() {
    return refusedConnections.get();
  }

  /** Frames dropped because their connection's queue was full (a peer that does not read). */
  public long droppedFrames() {
    return droppedFrames.get();
  }

  /** Open connections, accepted and our own. */
  public int openConnections() {
    return connections.size();
  }

  @Override
  public void start(Receiver receiver) {
    this.receiver = receiver;
    Thread.ofPlatform()
        .name("tcp-accept-" + local.address().getPort())
        .daemon()
        .start(
            () -> {
              while (open) {
                try {
                  accept(server.accept());
                } catch (IOException e) {
                  if (open) {
                    LOG.warn("TCP {}: {}", local, e.toString());
                  }
                }
              }
            });
  }

  private void accept(Socket socket) throws IOException {
    InetAddress source = socket.getInetAddress();
    if (connections.size() >= limits.connections()
        || perSource.getOrDefault(source, 0) >= limits.perSource()) {
      refusedConnections.incrementAndGet();
      socket.close();
      return;
    }
    Connection connection = adopt(socket.getRemoteSocketAddress(), socket);
    Thread.ofVirtual().name("tcp-" + connection.peer).start(connection::readLoop);
    Thread.ofVirtual().name("tcp-write-" + connection.peer).start(connection::writeLoop);
  }

  /** Queues the frame; never waits for the network (see the class comment). */
  @Override
  public void send(Contact to, byte[] datagram) throws IOException {
    if (datagram.length > MAX_FRAME) {
      throw new IOException("datagram of " + datagram.length + " bytes exceeds a frame");
    }
    if (!open) {
      throw new IOException("the TCP channel is closed");
    }
    Connection connection = connections.get(to);
    if (connection == null) {
      Connection outgoing = new Connection(to, null);
      connection = connections.putIfAbsent(to, outgoing);
      if (connection == null) {
        connection = outgoing;
        Thread.ofVirtual().name("tcp-connect-" + to).start(outgoing::connectAndWrite);
      }
    }
    if (!connection.queue.offer(datagram)) {
      droppedFrames.incrementAndGet();
    }
  }

  private Connection adopt(java.net.SocketAddress remote, Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    socket.setSoTimeout((int) limits.idle().toMillis());
    Contact peer = new Contact("tcp", (InetSocketAddress) remote);
    Connection connection = new Connection(peer, socket);
    perSource.merge(peer.address().getAddress(), 1, Integer::sum);
    Connection previous = connections.put(peer, connection);
    if (previous != null) {
      previous.close();
    }
    return connection;
  }

  private final class Connection {
    private final Contact peer;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(limits.queuedFrames());
    private volatile Socket socket;
    private volatile long writingSince; // 0: not in a write
    private volatile boolean closed;

    Connection(Contact peer, Socket socket) {
      this.peer = peer;
      this.socket = socket;
    }

    /** Our own connection: connect off the caller's thread, then read and write on it. */
    void connectAndWrite() {
      Socket s = new Socket();
      try {
        s.connect(peer.address(), CONNECT_TIMEOUT_MILLIS);
        s.setTcpNoDelay(true);
        s.setSoTimeout((int) limits.idle().toMillis());
      } catch (IOException e) {
        LOG.debug("TCP connect to {}: {}", peer, e.toString());
        closeQuietly(s);
        close();
        return;
      }
      synchronized (this) {
        if (closed || !open) {
          closeQuietly(s);
          return;
        }
        socket = s;
        perSource.merge(peer.address().getAddress(), 1, Integer::sum);
      }
      Thread.ofVirtual().name("tcp-" + peer).start(this::readLoop);
      writeLoop();
    }

    void writeLoop() {
      try {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        while (!closed && open) {
          byte[] frame = queue.poll(1, TimeUnit.SECONDS);
          if (frame == null) {
            continue;
          }
          writingSince = System.nanoTime();
          out.writeShort(frame.length);
          out.write(frame);
          out.flush();
          writingSince = 0;
        }
      } catch (IOException e) {
        LOG.debug("TCP write to {}: {}", peer, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        close();
      }
    }

    /** Whether a write has waited too long on a peer that does not read: then it is closed. */
    boolean stalled() {
      long since = writingSince;
      if (since != 0 && System.nanoTime() - since > limits.stalled().toNanos()) {
        LOG.debug("TCP peer {} stopped reading: closed", peer);
        close();
        return true;
      }
      return false;
    }

    void readLoop() {
      try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
        while (open && !closed) {
          byte[] frame = new byte[in.readUnsignedShort()];
          in.readFully(frame);
          Receiver current = receiver;
          if (current != null) {
            current.receive(frame, peer);
          }
        }
      } catch (EOFException e) {
        // the peer closed the connection
      } catch (SocketTimeoutException e) {
        LOG.debug("TCP connection {} idle for {}: closed", peer, limits.idle());
      } catch (IOException e) {
        LOG.debug("TCP connection {}: {}", peer, e.toString());
      } finally {
        close();
      }
    }

    void close() {
      Socket s;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        s = socket;
      }
      connections.remove(peer, this);
      if (s != null) {
        perSource.computeIfPresent(peer.address().getAddress(), (a, n) -> n > 1 ? n - 1 : null);
        closeQuietly(s);
      }
      queue.clear();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Cuts off peers whose writes have waited too long (their writer is blocked in the kernel). */
  private void watchStalls() {
    while (open) {
      try {
        Thread.sleep(Math.max(50, limits.stalled().toMillis() / 4)); // a period, not a wait
      } catch (InterruptedException e) {
        return;
      }
      connections.values().forEach(Connection::stalled);
    }
  }

  @Override
  public void close() {
    open = false;
    try {
      server.close();
    } catch (IOException e) {
      LOG.debug("closing TCP {}: {}", local, e.toString());
    }
    connections.values().forEach(Connection::close);
  }
}
