package network.mysterium.service;

import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import network.mysterium.net.TcpQueues;

/**
 * One session's traffic as a service carries it: bytes each way, the connections open under it,
 * closed together when the session stops (so a stopped session carries nothing more), and the
 * announced bandwidth, a token bucket per direction (none: unlimited, as on the consumer's side).
 *
 * <p>Bytes to the consumer count where they are, not where one side's process last saw them: an
 * application that stops reading leaves megabytes in the data connection's socket buffers, written
 * by the provider and not yet read by the consumer. So for each {@link #track tracked} data
 * connection the kernel's queue is counted too: the provider does not count what the consumer's
 * kernel has not acknowledged, the consumer counts what its kernel received and it has not read.
 * Both then count what reached the consumer's machine, and differ only by what is on the wire.
 */
public final class Meter {
  /** Which kernel queue of a tracked data connection counts, and which way. */
  public enum Queue {
    /** The provider's: written, not yet acknowledged by the consumer's kernel: not delivered. */
    UNACKNOWLEDGED,
    /** The consumer's: received by its kernel, not yet read by this process: delivered. */
    UNREAD
  }

  /** How long one read of the kernel's tables serves (a few per metering period at most). */
  public static final long SNAPSHOT_NANOS = 100_000_000L;

  private final TokenBucket toConsumerRate;
  private final TokenBucket fromConsumerRate;
  private final AtomicLong toConsumer = new AtomicLong();
  private final AtomicLong fromConsumer = new AtomicLong();
  private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
  private final Supplier<TcpQueues> kernel;
  // tracked data connections, with the queue counted at the last look (signed: + delivered)
  private final Map<Socket, Queue> tracked = new ConcurrentHashMap<>();
  private final Map<Socket, Long> queued = new ConcurrentHashMap<>();
  // what the connections gone had queued when last seen: kept, for it stays delivered or not
  private final AtomicLong settled = new AtomicLong();
  private final AtomicLong reportedToConsumer = new AtomicLong();
  private volatile boolean stopped;

  /** A meter without a bandwidth limit. */
  public Meter() {
    this(0);
  }

  /** A meter that holds each direction to {@code bandwidthKbps} kbit/s (0: unlimited). */
  public Meter(long bandwidthKbps) {
    this(bandwidthKbps, TcpQueues.cached(SNAPSHOT_NANOS));
  }

  /**
   * As above, reading the kernel's TCP queues from {@code kernel} (a provider's sessions share one
   * cached reader: one read of the tables per metering tick, however many sessions).
   */
  public Meter(long bandwidthKbps, Supplier<TcpQueues> kernel) {
    this.toConsumerRate = bandwidthKbps > 0 ? TokenBucket.ofKbps(bandwidthKbps) : null;
    this.fromConsumerRate = bandwidthKbps > 0 ? TokenBucket.ofKbps(bandwidthKbps) : null;
    this.kernel = kernel;
  }

  /** Waits until the bandwidth lets these bytes go to the consumer (stream services). */
  public void paceToConsumer(long bytes) throws InterruptedException {
    if (toConsumerRate != null) {
      toConsumerRate.take(bytes);
    }
  }

  /** Waits until the bandwidth lets these bytes from the consumer through (stream services). */
  public void paceFromConsumer(long bytes) throws InterruptedException {
    if (fromConsumerRate != null) {
      fromConsumerRate.take(bytes);
    }
  }

  /** Whether a packet of these bytes to the consumer fits the bandwidth now (else: drop it). */
  public boolean admitToConsumer(long bytes) {
    return toConsumerRate == null || toConsumerRate.tryTake(bytes);
  }

  /** Whether a packet of these bytes from the consumer fits the bandwidth now (else: drop it). */
  public boolean admitFromConsumer(long bytes) {
    return fromConsumerRate == null || fromConsumerRate.tryTake(bytes);
  }

  public void countToConsumer(long bytes) {
    toConsumer.addAndGet(bytes);
  }

  public void countFromConsumer(long bytes) {
    fromConsumer.addAndGet(bytes);
  }

  /**
   * Bytes to the consumer: those counted, corrected by the tracked connections' kernel queues.
   * Never less than an earlier answer (a queue shrinks as it drains into the count).
   */
  public long bytesToConsumer() {
    long counted = toConsumer.get();
    if (!tracked.isEmpty()) {
      look();
    }
    long queuedNow = settled.get();
    for (long q : queued.values()) {
      queuedNow += q;
    }
    long at = Math.max(0, counted + queuedNow);
    return reportedToConsumer.accumulateAndGet(at, Math::max);
  }

  /**
   * Counts a data connection's kernel queue toward the consumer in {@link #bytesToConsumer} while
   * it is open: the provider tracks its socket to the consumer, the consumer its socket from the
   * provider. Call {@link #settle} before closing it.
   */
  public void track(Socket connection, Queue queue) {
    tracked.put(connection, queue);
  }

  /**
   * A tracked connection is about to close: its queue now is kept. When the kernel no longer lists
   * it, a clean end (both sides' FIN exchanged and acknowledged) left nothing queued, and after a
   * reset the last look stands: what a reset threw away was never delivered.
   */
  public synchronized void settle(Socket connection, boolean clean) {
    Queue queue = tracked.remove(connection);
    if (queue == null) {
      return;
    }
    Long last = queued.remove(connection);
    if (last == null || last == 0) {
      return; // nothing was queued at the last look: not worth a read of the whole table
    }
    Optional<TcpQueues.Queued> now = TcpQueues.read().of(connection);
    settled.addAndGet(now.map(n -> signed(queue, n)).orElse(clean ? 0 : last));
  }

  private synchronized void look() {
    TcpQueues snapshot = kernel.get();
    for (Map.Entry<Socket, Queue> e : tracked.entrySet()) {
      TcpQueues.Queued q = snapshot.of(e.getKey()).orElse(null);
      if (q != null) {
        queued.put(e.getKey(), signed(e.getValue(), q));
      }
    }
  }

  private static long signed(Queue queue, TcpQueues.Queued q) {
    return switch (queue) {
      case UNACKNOWLEDGED -> -q.unacknowledged();
      case UNREAD -> q.unread();
    };
  }

  public long bytesFromConsumer() {
    return fromConsumer.get();
  }

  public boolean stopped() {
    return stopped;
  }

  /** Tracks a connection of this session; false (and closes it) if the session has stopped. */
  public boolean open(Closeable connection) {
    open.add(connection);
    if (stopped) {
      release(connection);
      closeQuietly(connection);
      return false;
    }
    return true;
  }

  public void release(Closeable connection) {
    open.remove(connection);
  }

  /** Stops the session's traffic: every open connection is closed. */
  public void stop() {
    stopped = true;
    for (Closeable connection : open) {
      if (connection instanceof Socket socket) {
        settle(socket, false);
      }
      closeQuietly(connection);
    }
    open.clear();
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
