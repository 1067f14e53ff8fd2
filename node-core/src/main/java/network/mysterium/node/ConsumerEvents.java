package network.mysterium.node;

import java.math.BigInteger;
import java.util.List;
import java.util.function.BiConsumer;
import network.mysterium.crypto.Address;
import network.mysterium.payments.Promise;
import network.mysterium.session.SessionEvents;

/**
 * A consumer session's events to its caller and to every subscriber; its end also to the node
 * ({@code closed} gets the session id and the reason), which ends or fails over the connection.
 */
final class ConsumerEvents implements SessionEvents {
  private final SessionEvents caller;
  private final SessionEvents fanOut;
  private final BiConsumer<String, String> closed;

  ConsumerEvents(SessionEvents caller, SessionEvents fanOut, BiConsumer<String, String> closed) {
    this.caller = caller;
    this.fanOut = fanOut;
    this.closed = closed;
  }

  @Override
  public void sessionOpened(Address peer, String sessionId, String serviceType) {
    caller.sessionOpened(peer, sessionId, serviceType);
    fanOut.sessionOpened(peer, sessionId, serviceType);
  }

  @Override
  public void metering(Address peer, Metering metering) {
    caller.metering(peer, metering);
    fanOut.metering(peer, metering);
  }

  @Override
  public void promiseAccepted(Address peer, Promise p, BigInteger leftover) {
    caller.promiseAccepted(peer, p, leftover);
    fanOut.promiseAccepted(peer, p, leftover);
  }

  @Override
  public void sessionClosed(Address peer, String sessionId, String reason, Metering last) {
    caller.sessionClosed(peer, sessionId, reason, last);
    fanOut.sessionClosed(peer, sessionId, reason, last);
    closed.accept(sessionId, reason);
  }

  @Override
  public void cleared(Address peer, List<Promise> cleared, String deferred) {
    caller.cleared(peer, cleared, deferred);
    fanOut.cleared(peer, cleared, deferred);
  }
}
