package network.mysterium.consumer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.ProviderLink;
import network.mysterium.session.SessionEvents;

/**
 * Connects a consumer to the first provider that works, trying candidates in the order given
 * (cheapest first, preferred first when asked): a provider that does not answer, refuses, or fails
 * on the way is skipped for the next.
 */
public final class Connector {
  /** What happened with each candidate, for the user. */
  public interface Attempts {
    default void trying(ServiceProposal candidate) {}

    default void failed(ServiceProposal candidate, String reason) {}
  }

  /** The dialogue to a provider: an open one reused, or a new one. */
  @FunctionalInterface
  public interface Links {
    ProviderLink linkTo(ServiceProposal proposal)
        throws ConsumerSession.SessionFailedException, InterruptedException;
  }

  /** No candidate worked: the reasons, one per candidate. */
  public static final class NoProviderException extends Exception {
    public NoProviderException(String message) {
      super(message);
    }
  }

  private final Links links;
  private final SessionEvents events;
  private final InetSocketAddress socksListen;

  public Connector(Links links, SessionEvents events, InetSocketAddress socksListen) {
    this.links = links;
    this.events = events;
    this.socksListen = socksListen;
  }

  public ConsumerSession connect(List<ServiceProposal> candidates, Attempts attempts)
      throws NoProviderException, InterruptedException {
    if (candidates.isEmpty()) {
      throw new NoProviderException("no provider matches");
    }
    List<String> reasons = new ArrayList<>();
    for (ServiceProposal candidate : candidates) {
      attempts.trying(candidate);
      try {
        return ConsumerSession.open(links.linkTo(candidate), candidate, events, socksListen);
      } catch (ConsumerSession.SessionFailedException e) {
        attempts.failed(candidate, e.getMessage());
        reasons.add(candidate.provider() + ": " + e.getMessage());
      }
    }
    throw new NoProviderException(String.join("; ", reasons));
  }
}
