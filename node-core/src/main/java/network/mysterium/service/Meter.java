package network.mysterium.service;

import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session's traffic as a service carries it: bytes each way, and the connections open under it,
 * closed together when the session stops (so a stopped session carries nothing more).
 */
public final class Meter {
  private final AtomicLong toConsumer = new AtomicLong();
  private final AtomicLong fromConsumer = new AtomicLong();
  private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean stopped;

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
