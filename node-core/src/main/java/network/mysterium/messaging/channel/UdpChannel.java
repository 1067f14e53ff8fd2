package network.mysterium.messaging.channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default channel: direct UDP over IPv4 or IPv6. */
public final class UdpChannel implements Channel {
  private static final Logger LOG = LoggerFactory.getLogger(UdpChannel.class);
  private static final int MAX_DATAGRAM = 65_507;

  private final DatagramChannel socket;
  private final Contact local;
  private Thread reader;

  private UdpChannel(DatagramChannel socket, Contact local) {
    this.socket = socket;
    this.local = local;
  }

  /** Binds to the address (port 0 picks a free one). */
  public static UdpChannel bind(InetSocketAddress address) throws IOException {
    DatagramChannel socket = DatagramChannel.open();
    try {
      socket.bind(address);
      return new UdpChannel(
          socket, new Contact("udp", (InetSocketAddress) socket.getLocalAddress()));
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot bind UDP " + address + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Contact localContact() {
    return local;
  }

  @Override
  public synchronized void start(Receiver receiver) {
    if (reader != null) {
      throw new IllegalStateException("already started");
    }
    reader =
        Thread.ofPlatform()
            .name("udp-" + local.address().getPort())
            .daemon()
            .start(
                () -> {
                  ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
                  while (socket.isOpen()) {
                    try {
                      buffer.clear();
                      SocketAddress from = socket.receive(buffer);
                      buffer.flip();
                      receiver.receive(
                          Arrays.copyOf(buffer.array(), buffer.limit()),
                          new Contact("udp", (InetSocketAddress) from));
                    } catch (ClosedChannelException e) {
                      return;
                    } catch (IOException | RuntimeException e) {
                      LOG.warn("UDP {}: {}", local, e.toString());
                    }
                  }
                });
  }

  @Override
  public void send(Contact to, byte[] datagram) throws IOException {
    socket.send(ByteBuffer.wrap(datagram), to.address());
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("closing UDP {}: {}", local, e.toString());
    }
    // A datagram read just before the close is still being handled (a registry lookup in the
    // node's database): wait for it, so the node closes its database only after (bounded).
    Thread running;
    synchronized (this) {
      running = reader;
    }
    if (running != null && running != Thread.currentThread()) {
      try {
        running.join(java.time.Duration.ofSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
