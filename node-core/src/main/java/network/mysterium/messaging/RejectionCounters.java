package network.mysterium.messaging;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** How many datagrams were refused, per reason: for logs, metrics and tests. */
public final class RejectionCounters {
  private final Map<Rejection, LongAdder> counts = new EnumMap<>(Rejection.class);

  public RejectionCounters() {
    for (Rejection reason : Rejection.values()) {
      counts.put(reason, new LongAdder());
    }
  }

  void count(Rejection reason) {
    counts.get(reason).increment();
  }

  public long get(Rejection reason) {
    return counts.get(reason).sum();
  }

  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
