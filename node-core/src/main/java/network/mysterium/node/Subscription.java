package network.mysterium.node;

/** A handle on a subscription to a {@link Node}'s state: closing it unsubscribes. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
