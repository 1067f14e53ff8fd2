package network.mysterium.node;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import network.mysterium.consumer.Connector;
import network.mysterium.crypto.Address;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.money.Myst;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SpendLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's fail-over: when its session ends for a reason that is no user's (this side left
 * the provider: overbilled, advice above the step, the limit per provider; or the session was lost:
 * the provider ended it, vanished or went silent), the node connects to the next candidate of the
 * same query, never to one this connection left. The per-session spending limit is the whole
 * connection's: each next session gets what the earlier ones left of it, and reaching it stops the
 * connection instead of failing over (another provider would only be paid the same again).
 */
final class FailOver {
  private static final Logger LOG = LoggerFactory.getLogger(FailOver.class);

  /** The candidates of the connection's query, asked again at each fail-over. */
  @FunctionalInterface
  interface Candidates {
    List<ProposalIndex.Listing> now() throws NodeException;
  }

  /** A provider this connection left, and why. */
  record Left(Address provider, String reason) {}

  private final ConnectionOptions how;
  private final SessionEvents events;
  private final Connector.Attempts attempts;
  private final Candidates candidates;
  private final Set<Address> left = ConcurrentHashMap.newKeySet();
  private final List<Left> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile BigInteger spent = BigInteger.ZERO;
  private volatile boolean cancelled;
  private volatile Thread running;

  FailOver(
      ConnectionOptions how,
      SessionEvents events,
      Connector.Attempts attempts,
      Candidates candidates) {
    this.how = how;
    this.events = events;
    this.attempts = attempts;
    this.candidates = candidates;
  }

  ConnectionOptions how() {
    return how;
  }

  SessionEvents events() {
    return events;
  }

  Connector.Attempts attempts() {
    return attempts;
  }

  /**
   * Takes in an ended session (what it paid counts against the connection's limit) and says whether
   * to go on to the next provider.
   */
  boolean goesOn(ConsumerSession ended, String reason) {
    spent = spent.add(ended.spent().baseUnits());
    if (!how.failOver() || cancelled || ended.closedByUser()) {
      return false;
    }
    if (ended.endedBy() == ConsumerSession.Failure.SPEND_LIMIT) {
      return false; // the whole connection's limit: stop
    }
    if (remaining().compareTo(how.paymentStep().baseUnits()) < 0) {
      return false; // not a step left of the connection's limit
    }
    left.add(ended.provider());
    reasons.add(new Left(ended.provider(), reason));
    LOG.info("left {} ({}): failing over", ended.provider(), reason);
    return true;
  }

  /** The next candidates: the query's, less every provider this connection left. */
  List<ProposalIndex.Listing> next() throws NodeException {
    return candidates.now().stream().filter(l -> !left.contains(l.proposal().provider())).toList();
  }

  /** The options for the next session: what the earlier sessions left of the limit. */
  ConnectionOptions nextOptions() {
    Myst perSession = Myst.ofBaseUnits(remaining());
    return how.withSpendLimit(new SpendLimit(perSession, how.spendLimit().perProvider()));
  }

  private BigInteger remaining() {
    return how.spendLimit().perSession().baseUnits().subtract(spent).max(BigInteger.ZERO);
  }

  /** The providers left so far, and why, oldest first. */
  List<Left> left() {
    return List.copyOf(reasons);
  }

  /** Runs the fail-over on a thread of its own (the session's end arrives on a receive thread). */
  void start(Runnable work) {
    running = Thread.ofVirtual().name("fail-over").start(work);
  }

  /** Whether the user stopped it. */
  boolean cancelled() {
    return cancelled;
  }

  /** The user disconnected or the node stops: no next session; waits (bounded) for the attempt. */
  void cancel() {
    cancelled = true;
    Thread thread = running;
    if (thread != null && thread != Thread.currentThread()) {
      thread.interrupt();
      try {
        thread.join(java.time.Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The status while failing over: the provider left, why, and this side's typed reason. */
  static ConnectionStatus failingOver(ConsumerSession ended, String country, String reason) {
    return new ConnectionStatus(
        ConnectionStatus.State.FAILING_OVER,
        Optional.of(ended.provider()),
        Optional.of(ended.client().serviceType()),
        Optional.of(country),
        Optional.empty(),
        Optional.empty(),
        Optional.of(reason),
        Optional.ofNullable(ended.endedBy()));
  }
}
