package network.mysterium.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Refuses stale messages and message ids seen before. Ids are remembered for twice the freshness
 * window, longer than any fresh message can arrive, so memory stays bounded by the traffic of one
 * window.
 */
final class ReplayGuard {
  private record Seen(String id, long expiresMillis) {}

  private final Clock clock;
  private final long windowMillis;
  private final Set<String> ids = new HashSet<>();
  private final Deque<Seen> byExpiry = new ArrayDeque<>();

  ReplayGuard(Clock clock, Duration window) {
    this.clock = clock;
    this.windowMillis = window.toMillis();
  }

  synchronized void check(byte[] messageId, long timestampMillis) throws RejectedDatagramException {
    long now = clock.millis();
    if (Math.abs(now - timestampMillis) > windowMillis) {
      throw new RejectedDatagramException(
          Rejection.STALE, "sent " + (now - timestampMillis) + " ms from now");
    }
    while (!byExpiry.isEmpty() && byExpiry.peekFirst().expiresMillis() < now) {
      ids.remove(byExpiry.removeFirst().id());
    }
    String id = HexFormat.of().formatHex(messageId);
    if (!ids.add(id)) {
      throw new RejectedDatagramException(Rejection.REPLAYED, "message id " + id);
    }
    byExpiry.addLast(new Seen(id, now + 2 * windowMillis));
  }
}
