package network.mysterium.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.payments.IssuedPromises;
import network.mysterium.session.ConsumerSession;
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

  /** No candidate worked: the reasons, one per candidate. */
  public static final class NoProviderException extends Exception {
    public NoProviderException(String message) {
      super(message);
    }
  }

  private final Dialogues dialogues;
  private final IssuedPromises promises;
  private final Myst paymentStep;
  private final SessionEvents events;
  private final Duration timeout;
  private final java.net.InetSocketAddress socksListen;

  public Connector(
      Dialogues dialogues,
      IssuedPromises promises,
      Myst paymentStep,
      SessionEvents events,
      Duration timeout,
      java.net.InetSocketAddress socksListen) {
    this.socksListen = socksListen;
    this.dialogues = dialogues;
    this.promises = promises;
    this.paymentStep = paymentStep;
    this.events = events;
    this.timeout = timeout;
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
        return ConsumerSession.open(
            dialogues, candidate, promises, paymentStep, events, timeout, socksListen);
      } catch (ConsumerSession.SessionFailedException e) {
        attempts.failed(candidate, e.getMessage());
        reasons.add(candidate.provider() + ": " + e.getMessage());
      }
    }
    throw new NoProviderException(String.join("; ", reasons));
  }
}
