package network.mysterium.node;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import network.mysterium.discovery.ProposalIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A search kept up to date: the matches now, then whenever the index's answer changes (a proposal
 * announced, re-announced, expired or starred), checked every {@code every} on one thread of its
 * own while the subscription is open.
 */
final class ProposalWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProposalWatch.class);

  /** What a subscriber is told, compared without the signed bytes (arrays compare by identity). */
  private record Seen(List<Object> keys) {
    static Seen of(List<ProposalIndex.Listing> listings) {
      return new Seen(
          listings.stream()
              .map(l -> (Object) List.of(l.proposal(), l.announcedBlock(), l.preferred()))
              .toList());
    }
  }

  interface Search {
    List<ProposalIndex.Listing> run(ProposalFilter filter) throws NodeException;
  }

  private final Search search;
  private final ScheduledExecutorService checks =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("proposal-watch").daemon().factory());

  ProposalWatch(Search search) {
    this.search = search;
  }

  Subscription subscribe(
      ProposalFilter filter,
      java.time.Duration every,
      Consumer<List<ProposalIndex.Listing>> listener) {
    Seen[] last = {null}; // only the check thread touches it
    boolean[] failing = {false};
    ScheduledFuture<?> task =
        checks.scheduleWithFixedDelay(
            () -> {
              try {
                List<ProposalIndex.Listing> now = search.run(filter);
                failing[0] = false;
                Seen seen = Seen.of(now);
                if (!seen.equals(last[0])) {
                  last[0] = seen;
                  listener.accept(now);
                }
              } catch (NodeException | RuntimeException e) {
                if (!failing[0] && !checks.isShutdown()) {
                  failing[0] = true;
                  LOG.warn("searching for a subscriber failed (will retry): {}", e.getMessage());
                }
              }
            },
            0,
            every.toMillis(),
            TimeUnit.MILLISECONDS);
    return () -> task.cancel(false);
  }

  @Override
  public void close() {
    checks.shutdownNow();
  }
}
