package network.mysterium.node;

import java.time.Instant;
import java.util.Optional;
import network.mysterium.crypto.Address;

/**
 * The consumer's connection as a {@link Node} tells it: what state, with whom, how it is reached
 * (the SOCKS5 address or the tunnel's interface), and why the last one ended.
 */
public record ConnectionStatus(
    State state,
    Optional<Address> provider,
    Optional<String> serviceType,
    Optional<String> country,
    Optional<String> localEndpoint,
    Optional<Instant> since,
    Optional<String> endedBecause) {
  public enum State {
    DISCONNECTED,
    CONNECTING,
    CONNECTED
  }

  static ConnectionStatus disconnected(Optional<String> because) {
    return new ConnectionStatus(
        State.DISCONNECTED,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        because);
  }
}
