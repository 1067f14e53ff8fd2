package network.mysterium.node;

import java.time.Instant;
import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.session.ConsumerSession;

/**
 * The consumer's connection as a {@link Node} tells it: what state, with whom, how it is reached
 * (the SOCKS5 address or the tunnel's interface), and why the last one ended. While {@link
 * State#FAILING_OVER}, {@code provider} is the one left, {@code endedBecause} says why and {@code
 * leftFor} is this side's typed reason (empty when the session was lost: the provider ended it or
 * vanished).
 */
public record ConnectionStatus(
    State state,
    Optional<Address> provider,
    Optional<String> serviceType,
    Optional<String> country,
    Optional<String> localEndpoint,
    Optional<Instant> since,
    Optional<String> endedBecause,
    Optional<ConsumerSession.Failure> leftFor) {
  public enum State {
    DISCONNECTED,
    CONNECTING,
    CONNECTED,
    /** The session with a provider ended for a reason that is no user's: the next is tried. */
    FAILING_OVER
  }

  static ConnectionStatus disconnected(Optional<String> because) {
    return new ConnectionStatus(
        State.DISCONNECTED,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        because,
        Optional.empty());
  }

  static ConnectionStatus connected(ConsumerSession session, String country, Instant since) {
    return new ConnectionStatus(
        State.CONNECTED,
        Optional.of(session.provider()),
        Optional.of(session.client().serviceType()),
        Optional.of(country),
        Optional.of(session.client().describe()),
        Optional.of(since),
        Optional.empty(),
        Optional.empty());
  }
}
