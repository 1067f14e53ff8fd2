package network.mysterium.payments;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * ({@link PromiseClearer}), one consumer's clearing at a time on virtual threads that never hold up
 * sessions.
 */
public final class Clearing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Clearing.class);

  /** Tells a consumer its promises are about to be cleared; completes when it acknowledged. */
  @FunctionalInterface
  public interface Notice {
    /**
     * Empty when the consumer has no dialogue now (it learns the cleared serial from the chain).
     */
    java.util.Optional<CompletableFuture<?>> beforeClearing(Address consumer) throws Exception;
  }

  /** The issuers who requested a withdrawal (from the chain events the node follows). */
  @FunctionalInterface
  public interface Withdrawing {
    java.util.Set<Address> issuers() throws StoreException;
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

  private final ReceivedPromises ledger;
  private final PromiseClearer clearer;
  private final ClearingPolicy policy;
  private final java.time.Duration acknowledgedWithin;
  private final Cleared events;
  private final Withdrawing withdrawing;
  private final FeeIncrease feeIncrease;
  private final ExecutorService clearing = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService schedule =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("clearing-policy").daemon().factory());
  private volatile Notice notice = consumer -> java.util.Optional.empty();

  public Clearing(
      ReceivedPromises ledger,
      PromiseClearer clearer,
      ClearingPolicy policy,
      java.time.Duration acknowledgedWithin,
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
    for (Address issuer : ledger.issuersWithHeldPromises()) {
      clearLater(issuer);
    }
    long every = policy.checkEvery().toMillis();
    schedule.scheduleWithFixedDelay(this::clearDue, every, every, TimeUnit.MILLISECONDS);
  }

  /** Clears a consumer's promises soon, off the caller's thread (a session ended). */
  public void clearLater(Address consumer) {
    try {
      clearing.submit(
          () -> {
            try {
              clearNow(consumer);
            } catch (Exception e) {
              LOG.warn(
                  "clearing {} failed; will try at the next session end: {}",
                  consumer,
                  e.getMessage());
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("stopping: {} is cleared at the next start", consumer);
    }
  }

  /**
   * Clears a consumer's promises now (notify-before-clear): the held serial is frozen, and the
   * consumer is told and acknowledges before the clearing is sent, or its dialogue is gone (then it
   * learns the cleared serial from the chain at its next dialogue).
   */
  public PromiseClearer.Result clearNow(Address consumer) throws Exception {
    ledger.freezeHeldSerial(consumer);
    var told = notice.beforeClearing(consumer);
    if (told.isPresent()) {
      try {
        told.get().get(acknowledgedWithin.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException
          | TimeoutException
          | java.util.concurrent.CancellationException e) {
        // closed or silent: the freeze stands, and the consumer resyncs from the chain
        LOG.debug("{} did not acknowledge the clearing notice: {}", consumer, e.toString());
      }
    }
    PromiseClearer.Result result = clearer.clear(consumer);
    events.cleared(consumer, result.cleared(), result.deferred().orElse(null));
    return result;
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
      java.util.Set<Address> leaving = withdrawing.issuers();
      boolean feeRising = feeRising();
      for (ReceivedPromises.Exposure e : ledger.exposures()) {
        if (feeRising
            || e.uncleared().compareTo(policy.atValue()) >= 0
            || now - e.oldestUpdateMillis() >= policy.after().toMillis()
            || (leaving.contains(e.issuer()) && e.uncleared().baseUnits().signum() > 0)) {
          clearLater(e.issuer());
        }
      }
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
  public void awaitClearings(java.time.Duration timeout) throws InterruptedException {
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
