package network.mysterium.node;

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's money as its subscribers see it: the wallet's balances and what sharing earned, read
 * from the chain after anything that moves money here (a confirmed transaction, a session's end, a
 * clearing) and every {@link #EVERY} while anyone listens (the chain moves it too: a clearing by a
 * provider, a deposit from elsewhere), and told only when it changed. Reads run on one thread of
 * their own: a slow chain never holds up the node's threads.
 */
final class MoneyWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MoneyWatch.class);
  static final long EVERY = 30;

  private final NodeWallet wallet;
  private final NodeSharing sharing;
  private final Listeners<Consumer<Funds>> listeners = new Listeners<>();
  private final ScheduledExecutorService reads =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("money-watch").daemon().factory());
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile Funds last;

  MoneyWatch(NodeWallet wallet, NodeSharing sharing) {
    this.wallet = wallet;
    this.sharing = sharing;
    reads.scheduleWithFixedDelay(
        () -> {
          if (listeners.size() > 0) {
            read();
          }
        },
        EVERY,
        EVERY,
        TimeUnit.SECONDS);
  }

  /** The money now (read soon), then at every change, until closed. */
  Subscription subscribe(Consumer<Funds> listener) {
    Subscription handle = listeners.add(listener);
    Funds known = last;
    if (known != null) {
      listener.accept(known);
    }
    refreshSoon();
    return handle;
  }

  /** Something moved money: read it again (once, however many ask before the read runs). */
  void refreshSoon() {
    if (listeners.size() > 0 && pending.compareAndSet(false, true)) {
      try {
        reads.execute(
            () -> {
              pending.set(false);
              read();
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        pending.set(false); // closing
      }
    }
  }

  private void read() {
    if (reads.isShutdown()) {
      return; // the node is stopping
    }
    Funds now;
    try {
      now = new Funds(wallet.balances(), sharing.earnings());
    } catch (NodeException | RuntimeException e) {
      if (reads.isShutdown()) {
        return; // stopped under the read: not an outage
      }
      if (failing.compareAndSet(false, true)) {
        LOG.warn("cannot read the balances (will retry): {}", e.getMessage()); // once an outage
      }
      return;
    }
    failing.set(false);
    if (!Objects.equals(now, last)) {
      last = now;
      listeners.each(l -> l.accept(now));
    }
  }

  @Override
  public void close() {
    reads.shutdownNow();
  }
}
