package network.mysterium.messaging.channel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel for networks that block UDP: datagrams as length-prefixed frames (2 bytes, big
 * endian, then the datagram) over TCP connections. A node answers on the connection a peer opened,
 * so the peer may sit behind NAT; each side otherwise connects on first send. Delivery is still
 * treated as unreliable: dialogues acknowledge and retransmit as over UDP.
 */
public final class TcpChannel implements Channel {
  private static final Logger LOG = LoggerFactory.getLogger(TcpChannel.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int MAX_FRAME = 0xffff;

  private final ServerSocket server;
  private final Contact local;
  private final Map<Contact, Connection> connections = new ConcurrentHashMap<>();
  private volatile Receiver receiver;
  private volatile boolean open = true;

  private TcpChannel(ServerSocket server) {
    this.server = server;
    this.local = new Contact("tcp", (InetSocketAddress) server.getLocalSocketAddress());
  }

  public static TcpChannel bind(InetSocketAddress address) throws IOException {
    ServerSocket server = new ServerSocket();
    try {
      server.bind(address);
    } catch (IOException e) {
      server.close();
      throw new IOException("cannot listen on TCP " + address + ": " + e.getMessage(), e);
    }
    return new TcpChannel(server);
  }

  @Override
  public Contact localContact() {
    return local;
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
                  adopt(server.accept());
                } catch (IOException e) {
                  if (open) {
                    LOG.warn("TCP {}: {}", local, e.toString());
                  }
                }
              }
            });
  }

  @Override
  public void send(Contact to, byte[] datagram) throws IOException {
    if (datagram.length > MAX_FRAME) {
      throw new IOException("datagram of " + datagram.length + " bytes exceeds a frame");
    }
    Connection connection = connections.get(to);
    if (connection == null) {
      Socket socket = new Socket();
      socket.connect(to.address(), CONNECT_TIMEOUT_MILLIS);
      connection = adopt(socket);
    }
    try {
      connection.write(datagram);
    } catch (IOException e) {
      connection.close();
      throw e;
    }
  }

  private Connection adopt(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    Contact peer = new Contact("tcp", (InetSocketAddress) socket.getRemoteSocketAddress());
    Connection connection = new Connection(peer, socket);
    Connection previous = connections.put(peer, connection);
    if (previous != null) {
      previous.close();
    }
    Thread.ofVirtual().name("tcp-" + peer).start(connection::readLoop);
    return connection;
  }

  private final class Connection {
    private final Contact peer;
    private final Socket socket;
    private final DataOutputStream out;

    Connection(Contact peer, Socket socket) throws IOException {
      this.peer = peer;
      this.socket = socket;
      this.out = new DataOutputStream(socket.getOutputStream());
    }

    synchronized void write(byte[] datagram) throws IOException {
      out.writeShort(datagram.length);
      out.write(datagram);
      out.flush();
    }

    void readLoop() {
      try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
        while (open) {
          byte[] frame = new byte[in.readUnsignedShort()];
          in.readFully(frame);
          Receiver current = receiver;
          if (current != null) {
            current.receive(frame, peer);
          }
        }
      } catch (EOFException e) {
        // the peer closed the connection
      } catch (IOException e) {
        LOG.debug("TCP connection {}: {}", peer, e.toString());
      } finally {
        close();
      }
    }

    void close() {
      connections.remove(peer, this);
      try {
        socket.close();
      } catch (IOException e) {
        // already closed
      }
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
