package network.mysterium.node;

import java.math.BigInteger;
import java.util.List;
import network.mysterium.crypto.Address;
import network.mysterium.payments.Promise;
import network.mysterium.session.SessionEvents;

/** Session events to every subscriber of a node. */
final class FanOut implements SessionEvents {
  private final Listeners<SessionEvents> listeners;

  FanOut(Listeners<SessionEvents> listeners) {
    this.listeners = listeners;
  }

  @Override
  public void sessionOpened(Address peer, String sessionId, String serviceType) {
    listeners.each(l -> l.sessionOpened(peer, sessionId, serviceType));
  }

  @Override
  public void metering(Address peer, Metering metering) {
    listeners.each(l -> l.metering(peer, metering));
  }

  @Override
  public void promiseAccepted(Address peer, Promise promise, BigInteger leftover) {
    listeners.each(l -> l.promiseAccepted(peer, promise, leftover));
  }

  @Override
  public void sessionClosed(Address peer, String sessionId, String reason, Metering last) {
    listeners.each(l -> l.sessionClosed(peer, sessionId, reason, last));
  }

  @Override
  public void cleared(Address peer, List<Promise> cleared, String deferred) {
    listeners.each(l -> l.cleared(peer, cleared, deferred));
  }
}
