package network.mysterium.consumer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.service.ServiceClient;
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

  /** No candidate worked: the reasons, one per candidate, in words and typed. */
  public static final class NoProviderException extends Exception {
    private final transient List<ConsumerSession.SessionFailedException> failures;

    public NoProviderException(String message) {
      this(message, List.of());
    }

    public NoProviderException(
        String message, List<ConsumerSession.SessionFailedException> failures) {
      super(message);
      this.failures = List.copyOf(failures);
    }

    /** Why each candidate failed, in the order tried: empty when no provider matched at all. */
    public List<ConsumerSession.SessionFailedException> failures() {
      return failures;
    }
  }

  private final Links links;
  private final SessionEvents events;
  private final ServiceClient.Factory clients;

  public Connector(Links links, SessionEvents events, ServiceClient.Factory clients) {
    this.links = links;
    this.events = events;
    this.clients = clients;
  }

  public ConsumerSession connect(List<ServiceProposal> candidates, Attempts attempts)
      throws NoProviderException, InterruptedException {
    if (candidates.isEmpty()) {
      throw new NoProviderException("no provider matches");
    }
    List<String> reasons = new ArrayList<>();
    List<ConsumerSession.SessionFailedException> failures = new ArrayList<>();
    for (ServiceProposal candidate : candidates) {
      attempts.trying(candidate);
      try {
        ProviderLink link = links.linkTo(candidate);
        ServiceClient client;
        try {
          // At the contact that answered: the service's data channel goes to the same host.
          client = clients.create(candidate.serviceType(), link.contact().address());
        } catch (IOException e) {
          link.closeIfIdle();
          throw new ConsumerSession.SessionFailedException(e.getMessage());
        }
        return ConsumerSession.open(link, candidate, events, client);
      } catch (ConsumerSession.SessionFailedException e) {
        attempts.failed(candidate, e.getMessage());
        reasons.add(candidate.provider() + ": " + e.getMessage());
        failures.add(e);
      }
    }
    throw new NoProviderException(String.join("; ", reasons), failures);
  }
}
