package network.mysterium.payments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import network.mysterium.crypto.Address;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's clearing: the policy (at session end, at a value, at an age), notify-before-clear
 * (the held serial frozen, the consumer told and given time to acknowledge), and the chain call
 * ({@link PromiseClearer}) in rounds that batch every consumer due together into one transaction,
 * on a virtual thread that never holds up sessions.
 */
public final class Clearing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Clearing.class);

  /** Tells a consumer its promises are about to be cleared; completes when it acknowledged. */
  @FunctionalInterface
  public interface Notice {
    /**
     * Empty when the consumer has no dialogue now (it learns the cleared serial from the chain).
     */
    Optional<CompletableFuture<?>> beforeClearing(Address consumer) throws Exception;
  }

  /** The issuers who requested a withdrawal (from the chain events the node follows). */
  @FunctionalInterface
  public interface Withdrawing {
    Set<Address> issuers() throws StoreException;
  }

  /** Whether the contract's fee will rise (a scheduled increase): then everything held clears. */
  @FunctionalInterface
  public interface FeeIncrease {
    boolean scheduled() throws Exception;
  }

  /** What a clearing did, for the node's user. */
  @FunctionalInterface
  public interface Cleared {
    void cleared(Address consumer, List<Promise> cleared, String deferred);
  }

  /** How long a clearing's transaction may take to be mined, beyond the notice. */
  private static final Duration CLEAR_WITHIN = Duration.ofMinutes(2);

  private final ReceivedPromises ledger;
  private final PromiseClearer clearer;
  private final ClearingPolicy policy;
  private final Duration acknowledgedWithin;
  private final Cleared events;
  private final Withdrawing withdrawing;
  private final FeeIncrease feeIncrease;
  private final ExecutorService clearing = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService schedule =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("clearing-policy").daemon().factory());
  private volatile Notice notice = consumer -> Optional.empty();

  /** Consumers waiting for the next clearing round, guarded by itself. */
  private final Map<Address, CompletableFuture<PromiseClearer.Result>> queue =
      new LinkedHashMap<>();

  private boolean roundsRunning; // guarded by queue

  public Clearing(
      ReceivedPromises ledger,
      PromiseClearer clearer,
      ClearingPolicy policy,
      Duration acknowledgedWithin,
      Cleared events,
      Withdrawing withdrawing,
      FeeIncrease feeIncrease) {
    this.withdrawing = withdrawing;
    this.feeIncrease = feeIncrease;
    this.ledger = ledger;
    this.clearer = clearer;
    this.policy = policy;
    this.acknowledgedWithin = acknowledgedWithin;
    this.events = events;
  }

  /**
   * Starts the policy's checks, with how consumers are told; clears what is held from before a
   * restart (or a crash), which has no session left to end.
   */
  public void start(Notice howToTell) throws StoreException {
    this.notice = howToTell;
    clearLater(ledger.issuersWithHeldPromises());
    long every = policy.checkEvery().toMillis();
    schedule.scheduleWithFixedDelay(this::clearDue, every, every, TimeUnit.MILLISECONDS);
  }

  /** Clears a consumer's promises soon, off the caller's thread (a session ended). */
  public void clearLater(Address consumer) {
    clearLater(List.of(consumer));
  }

  /** Clears these consumers' promises soon, in one round (one transaction for up to a batch). */
  public void clearLater(Collection<Address> consumers) {
    request(consumers)
        .forEach(
            (consumer, cleared) ->
                cleared.exceptionally(
                    e -> {
                      LOG.warn(
                          "clearing {} failed; will try at the next session end: {}",
                          consumer,
                          e.getMessage());
                      return null;
                    }));
  }

  /**
   * Clears a consumer's promises now (notify-before-clear): the held serial is frozen, and the
   * consumer is told and acknowledges before the clearing is sent, or its dialogue is gone (then it
   * learns the cleared serial from the chain at its next dialogue). Goes out in the next batch.
   */
  public PromiseClearer.Result clearNow(Address consumer) throws Exception {
    try {
      // bounded: the notice, the transaction and its receipt
      return request(List.of(consumer))
          .get(consumer)
          .get(acknowledgedWithin.toMillis() + CLEAR_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /**
   * Queues consumers for the next clearing round. One round runs at a time and takes everyone
   * queued: consumers whose sessions end together, or who become due together, are cleared in one
   * transaction (whitepaper 6.5.4's cost is per transaction), and none waits for a timer.
   */
  private Map<Address, CompletableFuture<PromiseClearer.Result>> request(
      Collection<Address> consumers) {
    Map<Address, CompletableFuture<PromiseClearer.Result>> requested = new LinkedHashMap<>();
    boolean start;
    synchronized (queue) {
      for (Address consumer : consumers) {
        requested.put(consumer, queue.computeIfAbsent(consumer, c -> new CompletableFuture<>()));
      }
      start = !roundsRunning && !requested.isEmpty();
      roundsRunning |= start;
    }
    if (start) {
      try {
        clearing.submit(this::runRounds);
      } catch (RejectedExecutionException e) {
        LOG.debug("stopping: {} are cleared at the next start", consumers);
        synchronized (queue) {
          roundsRunning = false;
          queue.keySet().removeAll(requested.keySet());
        }
        requested
            .values()
            .forEach(
                f -> f.completeExceptionally(new IllegalStateException("clearing has stopped")));
      }
    }
    return requested;
  }

  private void runRounds() {
    while (true) {
      Map<Address, CompletableFuture<PromiseClearer.Result>> round;
      synchronized (queue) {
        if (queue.isEmpty()) {
          roundsRunning = false;
          return;
        }
        round = new LinkedHashMap<>(queue);
        queue.clear();
      }
      try {
        Map<Address, PromiseClearer.Result> results = clearRound(round.keySet());
        round.forEach((consumer, cleared) -> cleared.complete(results.get(consumer)));
      } catch (Throwable e) {
        // whatever went wrong, every waiter hears it and rounds go on (an Error included)
        round.values().forEach(cleared -> cleared.completeExceptionally(e));
        if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
          failQueued(new IllegalStateException("clearing has stopped"));
          return;
        }
      }
    }
  }

  /** Stopping: those still queued are cleared at the next start, and told so now. */
  private void failQueued(Exception why) {
    Map<Address, CompletableFuture<PromiseClearer.Result>> left;
    synchronized (queue) {
      left = new LinkedHashMap<>(queue);
      queue.clear();
      roundsRunning = false;
    }
    left.values().forEach(cleared -> cleared.completeExceptionally(why));
  }

  /** Freezes and tells every consumer of the round, awaits their acknowledgements, clears all. */
  private Map<Address, PromiseClearer.Result> clearRound(Set<Address> consumers) throws Exception {
    java.util.List<CompletableFuture<?>> acknowledgements = new ArrayList<>();
    for (Address consumer : consumers) {
      ledger.freezeHeldSerial(consumer);
      try {
        notice.beforeClearing(consumer).ifPresent(acknowledgements::add);
      } catch (Exception e) {
        LOG.debug("cannot tell {} of the clearing: {}", consumer, e.toString());
      }
    }
    long deadline = System.nanoTime() + acknowledgedWithin.toNanos();
    for (CompletableFuture<?> acknowledged : acknowledgements) {
      try {
        acknowledged.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException | CancellationException e) {
        // closed or silent: the freeze stands, and the consumer resyncs from the chain
        LOG.debug("a consumer did not acknowledge the clearing notice: {}", e.toString());
      }
    }
    Map<Address, PromiseClearer.Result> results = clearer.clear(consumers);
    results.forEach(
        (consumer, result) -> {
          try {
            events.cleared(consumer, result.cleared(), result.deferred().orElse(null));
          } catch (RuntimeException e) {
            // the chain cleared it: a listener's failure does not make it a failed clearing
            LOG.warn("telling of {}'s clearing failed: {}", consumer, e.toString());
          }
        });
    return results;
  }

  /**
   * Clears the consumers whose uncleared promises reached the value or age threshold, and at once
   * those who requested a withdrawal: their balance leaves when the notice ends, and what is
   * cleared before is paid first (whitepaper 6.5.6). Everything held clears when the contract's fee
   * is about to rise: promises accepted under the old fee are cleared at it.
   */
  private void clearDue() {
    try {
      long now = System.currentTimeMillis();
      Set<Address> leaving = withdrawing.issuers();
      boolean feeRising = feeRising();
      List<Address> due = new ArrayList<>();
      for (ReceivedPromises.Exposure e : ledger.exposures()) {
        if (feeRising
            || e.uncleared().compareTo(policy.atValue()) >= 0
            || now - e.oldestUpdateMillis() >= policy.after().toMillis()
            || (leaving.contains(e.issuer()) && e.uncleared().baseUnits().signum() > 0)) {
          due.add(e.issuer());
        }
      }
      clearLater(due); // all due at this check go in one round
    } catch (StoreException | RuntimeException e) {
      LOG.warn("checking what to clear failed: {}", e.getMessage());
    }
  }

  private boolean feeRising() {
    try {
      return feeIncrease.scheduled();
    } catch (Exception e) {
      LOG.debug("cannot read the scheduled fee now: {}", e.toString());
      return false; // the next check reads again
    }
  }

  /** Stops the policy's checks and waits (bounded) for clearings under way. */
  public void awaitClearings(Duration timeout) throws InterruptedException {
    schedule.shutdownNow();
    clearing.shutdown();
    clearing.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    schedule.shutdownNow();
    clearing.shutdownNow();
  }
}
