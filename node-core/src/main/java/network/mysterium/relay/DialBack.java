package network.mysterium.relay;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of a relay's TCP splice: on a DIAL frame it connects out to the relay's dial-back
 * port (its NAT lets that out like any connection), sends the dial's token first, and hands the
 * connection to the service being served. At most {@value #DIALING} dial-backs are under way at
 * once, so DIAL frames (even forged ones) cannot make the node open connections without bound.
 */
final class DialBack implements TcpSplices {
  private static final Logger LOG = LoggerFactory.getLogger(DialBack.class);
  static final int DIALING = 64;
  private static final int CONNECT_MILLIS = 5_000;

  private final Supplier<Optional<InetSocketAddress>> address;
  private final Semaphore dialing = new Semaphore(DIALING);
  private volatile Consumer<Socket> service;

  /** The dial tokens dialed lately: a relay sends a DIAL again when it may have been lost. */
  private final Set<ByteBuffer> dialed =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
              return size() > 1024;
            }
          });

  DialBack(Supplier<Optional<InetSocketAddress>> address) {
    this.address = address;
  }

  @Override
  public Optional<InetSocketAddress> address() {
    return address.get();
  }

  @Override
  public AutoCloseable serve(Consumer<Socket> service) {
    this.service = service;
    return () -> {
      if (this.service == service) {
        this.service = null;
      }
    };
  }

  /** A relay asked for a connection to {@code relay} opened with {@code token}. */
  void dial(InetSocketAddress relay, byte[] token) {
    Consumer<Socket> to = service;
    if (to == null) {
      LOG.debug("relay {} dialed for a service this node does not serve", relay);
      return;
    }
    synchronized (dialed) {
      if (!dialed.add(ByteBuffer.wrap(token.clone()))) {
        return; // dialed already
      }
    }
    if (!dialing.tryAcquire()) {
      LOG.debug("{} dial-backs under way already: one more is not made", DIALING);
      return;
    }
    Thread.ofVirtual().name("relay-dial-back").start(() -> connect(relay, token, to));
  }

  private void connect(InetSocketAddress relay, byte[] token, Consumer<Socket> to) {
    Socket socket = new Socket();
    try {
      try {
        socket.connect(relay, CONNECT_MILLIS);
        socket.setTcpNoDelay(true);
        OutputStream out = socket.getOutputStream();
        out.write(token);
        out.flush();
      } finally {
        dialing.release();
      }
      to.accept(socket);
    } catch (IOException | RuntimeException e) {
      LOG.debug("dialing back to relay {} failed: {}", relay, e.toString());
      RelayTcp.closeQuietly(socket);
    }
  }
}
