package network.mysterium.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM or Ctrl-C while a long-running command runs. The JVM's shutdown hook does not stop the
 * node itself; it wakes the command (or interrupts whatever it is blocked in) and waits, bounded,
 * until the command has closed what it started in its usual order, so a signal and a normal end
 * stop the node the same way. Open it first (closed last), around everything the command starts.
 */
public final class Stopping implements AutoCloseable {
  /** What the hook waits for the command to close; under systemd's and a terminal's patience. */
  public static final Duration GRACE = Duration.ofSeconds(8);

  private final Thread command;
  private final Thread hook;
  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  // 0: starting up, 1: in its main wait, 2: closing (then an interrupt would only cut that short)
  private final java.util.concurrent.atomic.AtomicInteger phase =
      new java.util.concurrent.atomic.AtomicInteger();

  private Stopping(Thread command) {
    this.command = command;
    this.hook = new Thread(this::stop, "stop-on-signal");
  }

  /** Stops the calling thread's command on a signal. */
  public static Stopping onSignal() {
    Stopping stopping = new Stopping(Thread.currentThread());
    Runtime.getRuntime().addShutdownHook(stopping.hook);
    return stopping;
  }

  private void stop() {
    requested.countDown();
    if (phase.get() == 0) {
      command.interrupt(); // blocked in starting up (connecting, announcing): give up on that
    }
    try {
      done.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether a signal asked the command to stop. */
  public boolean requested() {
    return requested.getCount() == 0;
  }

  /**
   * Waits until a signal or for {@code limit} (zero or less: no limit); returns whether a signal
   * came.
   */
  public boolean await(Duration limit) {
    return await(limit, new CountDownLatch(1));
  }

  /** As above, also returning when {@code alsoEnding} reaches zero (the session ended). */
  public boolean await(Duration limit, CountDownLatch alsoEnding) {
    long deadline = System.nanoTime() + limit.toNanos();
    phase.set(1);
    try {
      while (!requested() && alsoEnding.getCount() > 0) {
        long left = limit.isPositive() ? deadline - System.nanoTime() : 100_000_000L;
        if (left <= 0) {
          break;
        }
        try {
          if (requested.await(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS)) {
            break;
          }
        } catch (InterruptedException e) {
          break; // the signal's own interrupt, or someone else's: either way, stop waiting
        }
      }
    } finally {
      phase.set(2);
    }
    return requested();
  }

  /** The command has closed everything: the hook (if it runs) may let the JVM go. */
  @Override
  public void close() {
    done.countDown();
    if (!requested()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down already: the hook runs and returns at once
      }
    }
  }
}
