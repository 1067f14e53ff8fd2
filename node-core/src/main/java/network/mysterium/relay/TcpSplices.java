package network.mysterium.relay;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a node behind a NAT offers a stream service (the SOCKS5 exit) through its relays: consumers
 * connect to a relay's TCP port for the node's allocation, and the node's connection dialed back to
 * the relay is handed to the service as if the consumer had connected to it.
 */
public interface TcpSplices {
  /** None: a node without relays is reached at its own address only. */
  TcpSplices NONE =
      new TcpSplices() {
        @Override
        public Optional<InetSocketAddress> address() {
          return Optional.empty();
        }

        @Override
        public AutoCloseable serve(Consumer<Socket> service) {
          return () -> {};
        }
      };

  /**
   * Where consumers connect when the node is reached through a relay (a NAT is in between); empty
   * when it is reached at its own address (or through no relay that opened a TCP port).
   */
  Optional<InetSocketAddress> address();

  /**
   * Hands every connection dialed back from now on to {@code service} (on a thread of its own),
   * until the returned handle closes.
   */
  AutoCloseable serve(Consumer<Socket> service);
}
