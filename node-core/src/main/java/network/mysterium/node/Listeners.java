package network.mysterium.node;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribers to one kind of node state. A subscriber that throws is logged and kept: one bad
 * listener (a closed API stream, a view gone) must not stop the node telling the others.
 */
final class Listeners<T> {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
  private final CopyOnWriteArrayList<T> all = new CopyOnWriteArrayList<>();

  Subscription add(T listener) {
    all.add(listener);
    return () -> all.remove(listener);
  }

  void each(Consumer<T> call) {
    for (T listener : all) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("a subscriber failed: {}", e.toString());
      }
    }
  }

  int size() {
    return all.size();
  }
}
