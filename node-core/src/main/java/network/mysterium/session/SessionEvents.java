package network.mysterium.session;

import java.math.BigInteger;
import network.mysterium.crypto.Address;
import network.mysterium.payments.Promise;

/** What a node tells its user about sessions and payments (the CLI prints, the app shows). */
public interface SessionEvents {
  default void sessionOpened(Address peer, String sessionId, String serviceType) {}

  default void metering(Address peer, Metering metering) {}

  default void promiseAccepted(Address peer, Promise promise, BigInteger leftover) {}

  default void sessionClosed(Address peer, String sessionId, String reason, Metering last) {}

  default void cleared(Address peer, java.util.List<Promise> cleared, String deferred) {}

  /** A session's account so far. */
  record Metering(
      String sessionId,
      BigInteger cost,
      long bytesToConsumer,
      long bytesFromConsumer,
      long durationMillis,
      boolean last) {}

  static SessionEvents none() {
    return new SessionEvents() {};
  }
}
