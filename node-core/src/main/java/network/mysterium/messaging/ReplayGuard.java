package network.mysterium.messaging;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import network.mysterium.crypto.Address;

/**
 * Refuses stale messages and message ids seen before. An id is remembered only until its own
 * (signed) timestamp leaves the freshness window, after which the freshness check refuses it
 * anyway. Memory is bounded: at most {@code perSender} ids per sender and {@code total} in all; a
 * sender over its share is refused ({@link Rejection#RATE_LIMITED}) until its ids expire. Across
 * restarts a {@link ReplayFloor} refuses everything stamped before the last run stopped.
 */
final class ReplayGuard {
  static final int DEFAULT_PER_SENDER = 16_384;
  static final int DEFAULT_TOTAL = 262_144;

  /**
   * How far ahead of the newest accepted timestamp the persisted floor is written: one fsync per
   * lease at most; after a crash (no clean stop) the node refuses its peers for up to this long.
   */
  static final long LEASE_MILLIS = 2_000;

  private record Id(long high, long low) {}

  private record Seen(Id id, Address sender, long expiresMillis) {}

  private final Clock clock;
  private final long windowMillis;
  private final int perSender;
  private final int total;
  private final ReplayFloor floor;
  private final long restartFloor;
  private long persistedFloor;
  private long newestAccepted;
  private final Set<Id> ids = new HashSet<>();
  private final Map<Address, Integer> bySender = new HashMap<>();
  private final PriorityQueue<Seen> byExpiry =
      new PriorityQueue<>((a, b) -> Long.compare(a.expiresMillis(), b.expiresMillis()));

  ReplayGuard(Clock clock, Duration window, ReplayFloor floor, int perSender, int total) {
    this.clock = clock;
    this.windowMillis = window.toMillis();
    this.perSender = perSender;
    this.total = total;
    this.floor = floor;
    this.restartFloor = floor.load();
    this.persistedFloor = restartFloor;
  }

  synchronized void check(Address sender, byte[] messageId, long timestampMillis)
      throws RejectedDatagramException {
    long now = clock.millis();
    if (Math.abs(now - timestampMillis) > windowMillis) {
      throw new RejectedDatagramException(
          Rejection.STALE, "sent " + (now - timestampMillis) + " ms from now");
    }
    if (timestampMillis <= restartFloor) {
      throw new RejectedDatagramException(Rejection.STALE, "sent before this node restarted");
    }
    while (!byExpiry.isEmpty() && byExpiry.peek().expiresMillis() < now) {
      Seen expired = byExpiry.poll();
      ids.remove(expired.id());
      bySender.computeIfPresent(expired.sender(), (s, n) -> n == 1 ? null : n - 1);
    }
    ByteBuffer bytes = ByteBuffer.wrap(messageId);
    Id id = new Id(bytes.getLong(), bytes.getLong());
    if (ids.contains(id)) {
      throw new RejectedDatagramException(Rejection.REPLAYED, "message id seen before");
    }
    if (ids.size() >= total || bySender.getOrDefault(sender, 0) >= perSender) {
      throw new RejectedDatagramException(
          Rejection.RATE_LIMITED, "too many messages within the freshness window");
    }
    if (timestampMillis > persistedFloor) {
      // Durable before accepting: a crash right after must not let this message in again.
      persistedFloor = timestampMillis + LEASE_MILLIS;
      floor.store(persistedFloor);
    }
    newestAccepted = Math.max(newestAccepted, timestampMillis);
    ids.add(id);
    bySender.merge(sender, 1, Integer::sum);
    byExpiry.add(new Seen(id, sender, timestampMillis + windowMillis));
  }

  /**
   * A clean stop: the floor comes down from the lease to the newest message accepted, so peers that
   * come back right after a restart are not refused for the rest of the lease.
   */
  synchronized void stop() {
    if (persistedFloor > newestAccepted && newestAccepted >= restartFloor) {
      persistedFloor = Math.max(newestAccepted, restartFloor);
      floor.store(persistedFloor);
    }
  }

  synchronized int remembered() {
    return ids.size();
  }
}
