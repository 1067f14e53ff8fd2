package network.mysterium.service.wireguard;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the handshake messages a device did not answer, by reason, and logs the first of each
 * reason once: a flood of hostile datagrams is the normal case and must not flood the log.
 */
final class Refusals {
  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

  private final String device;
  private final Map<HandshakeRefusal, AtomicLong> counts = new EnumMap<>(HandshakeRefusal.class);

  Refusals(String device) {
    this.device = device;
    for (HandshakeRefusal r : HandshakeRefusal.values()) {
      counts.put(r, new AtomicLong());
    }
  }

  void count(HandshakeRefusal refusal, Object sender) {
    if (counts.get(refusal).getAndIncrement() == 0) {
      LOG.info(
          "{}: refused a handshake message from {} ({}); further ones are only counted",
          device,
          sender,
          refusal);
    }
  }

  long count(HandshakeRefusal refusal) {
    return counts.get(refusal).get();
  }
}
