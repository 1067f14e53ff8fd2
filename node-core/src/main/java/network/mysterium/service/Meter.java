package network.mysterium.service;

import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session's traffic as a service carries it: bytes each way, the connections open under it,
 * closed together when the session stops (so a stopped session carries nothing more), and the
 * announced bandwidth, a token bucket per direction (none: unlimited, as on the consumer's side).
 */
public final class Meter {
  private final TokenBucket toConsumerRate;
  private final TokenBucket fromConsumerRate;
  private final AtomicLong toConsumer = new AtomicLong();
  private final AtomicLong fromConsumer = new AtomicLong();
  private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean stopped;

  /** A meter without a bandwidth limit. */
  public Meter() {
    this.toConsumerRate = null;
    this.fromConsumerRate = null;
  }

  /** A meter that holds each direction to {@code bandwidthKbps} kbit/s (0: unlimited). */
  public Meter(long bandwidthKbps) {
    this.toConsumerRate = bandwidthKbps > 0 ? TokenBucket.ofKbps(bandwidthKbps) : null;
    this.fromConsumerRate = bandwidthKbps > 0 ? TokenBucket.ofKbps(bandwidthKbps) : null;
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

  public long bytesToConsumer() {
    return toConsumer.get();
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
