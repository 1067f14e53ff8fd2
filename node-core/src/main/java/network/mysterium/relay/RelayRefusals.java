package network.mysterium.relay;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a relay refused, counted per reason; the first of each reason is logged (a flood logs one
 * line). Shared by the relay's UDP loop and its TCP threads.
 */
final class RelayRefusals {
  private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

  private final Object relay;
  private final Map<RelayRefusal, AtomicLong> counts = new EnumMap<>(RelayRefusal.class);

  /**
   * @param relay how the relay is named in the log
   */
  RelayRefusals(Object relay) {
    this.relay = relay;
    for (RelayRefusal r : RelayRefusal.values()) {
      counts.put(r, new AtomicLong());
    }
  }

  void refuse(RelayRefusal reason, Object from) {
    if (counts.get(reason).incrementAndGet() == 1) {
      LOG.warn("relay {}: refused {} from {} (logged once per reason)", relay, reason, from);
    }
  }

  long count(RelayRefusal reason) {
    return counts.get(reason).get();
  }
}
