package network.mysterium.messaging.channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default channel: direct UDP over IPv4 or IPv6.
 *
 * <p>The socket is non-blocking, read through a selector by the channel's own thread. A blocking
 * NIO channel closes itself when a thread calling it is interrupted, and every thread of the node
 * sends on this one socket (dialogue flushes on session threads, notices, timers): one interrupted
 * sender would leave the node deaf to every peer. Non-blocking sends and a selector are never
 * closed by an interrupt.
 */
public final class UdpChannel implements Channel {
  private static final Logger LOG = LoggerFactory.getLogger(UdpChannel.class);
  private static final int MAX_DATAGRAM = 65_507;

  /** How long a send waits for room in a full socket buffer before the datagram is dropped. */
  private static final long FULL_BUFFER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final DatagramChannel socket;
  private final Selector selector;
  private final Contact local;
  private final AtomicLong dropped = new AtomicLong();
  private Thread reader;

  private UdpChannel(DatagramChannel socket, Selector selector, Contact local) {
    this.socket = socket;
    this.selector = selector;
    this.local = local;
  }

  /** Binds to the address (port 0 picks a free one). */
  public static UdpChannel bind(InetSocketAddress address) throws IOException {
    DatagramChannel socket = DatagramChannel.open();
    Selector selector = null;
    try {
      socket.bind(address);
      socket.configureBlocking(false);
      selector = Selector.open();
      socket.register(selector, SelectionKey.OP_READ);
      return new UdpChannel(
          socket, selector, new Contact("udp", (InetSocketAddress) socket.getLocalAddress()));
    } catch (IOException e) {
      socket.close();
      if (selector != null) {
        selector.close();
      }
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
            .start(() -> read(receiver));
  }

  private void read(Receiver receiver) {
    ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
    while (socket.isOpen()) {
      try {
        selector.select();
        selector.selectedKeys().clear();
        SocketAddress from;
        while ((from = socket.receive(buffer.clear())) != null) {
          buffer.flip();
          receiver.receive(
              Arrays.copyOf(buffer.array(), buffer.limit()),
              new Contact("udp", (InetSocketAddress) from));
        }
      } catch (ClosedChannelException | ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("UDP {}: {}", local, e.toString());
      }
    }
  }

  /**
   * Sends one datagram, whatever the calling thread's interrupt status (kept as it was). A socket
   * buffer that stays full a few milliseconds drops it, as a congested link would.
   */
  @Override
  public void send(Contact to, byte[] datagram) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(datagram);
    long deadline = 0;
    while (socket.send(bytes, to.address()) == 0) {
      long now = System.nanoTime();
      if (deadline == 0) {
        deadline = now + FULL_BUFFER_WAIT_NANOS;
      } else if (now > deadline) {
        if (dropped.incrementAndGet() == 1) {
          LOG.warn("UDP {}: the socket buffer stayed full; datagrams dropped (logged once)", local);
        }
        return;
      }
      LockSupport.parkNanos(50_000);
    }
  }

  /** Datagrams dropped because the socket buffer stayed full. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("closing UDP {}: {}", local, e.toString());
    }
    selector.wakeup(); // the reader leaves its select and sees the socket closed
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
    try {
      selector.close(); // after the reader: the socket's port is released once its key is gone
    } catch (IOException e) {
      LOG.debug("closing UDP {}'s selector: {}", local, e.toString());
    }
  }
}
