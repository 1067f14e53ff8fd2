package network.mysterium.session;

import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.Address;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.service.Meter;

/** One session's state on the provider (mutable, guarded by its own lock). */
final class ProviderSession {
  enum State {
    ACCEPTED,
    CONFIRMED,
    CLOSED
  }

  final String key;
  final byte[] id;
  final Dialogue dialogue;
  final Address consumer;
  final Meter meter;
  final ServiceProposal proposal;
  final long accepted = System.nanoTime();
  volatile State state = State.ACCEPTED;
  // from the confirmation on: what the meter showed then, and when
  long confirmed;
  long bytesToBefore;
  long bytesFromBefore;
  BigInteger billed = BigInteger.ZERO;
  volatile long exhaustedSince;
  SessionEvents.Metering last;

  ProviderSession(String key, byte[] id, Dialogue dialogue, Meter meter, ServiceProposal proposal) {
    this.key = key;
    this.id = id;
    this.dialogue = dialogue;
    this.consumer = dialogue.peer();
    this.meter = meter;
    this.proposal = proposal;
    this.last = new SessionEvents.Metering(key, BigInteger.ZERO, 0, 0, 0, false);
  }

  synchronized void confirm() {
    if (state == State.ACCEPTED) {
      confirmed = System.nanoTime();
      bytesToBefore = meter.bytesToConsumer();
      bytesFromBefore = meter.bytesFromConsumer();
      state = State.CONFIRMED;
    }
  }

  synchronized long bytesToConsumer() {
    return state == State.ACCEPTED ? 0 : meter.bytesToConsumer() - bytesToBefore;
  }

  synchronized long bytesFromConsumer() {
    return state == State.ACCEPTED ? 0 : meter.bytesFromConsumer() - bytesFromBefore;
  }

  synchronized long elapsedMillis() {
    return state == State.ACCEPTED
        ? 0
        : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - confirmed);
  }

  /** What the session used and cost so far, read at one instant (cost and counts agree). */
  synchronized SessionEvents.Metering reading(boolean last) {
    long to = bytesToConsumer();
    long from = bytesFromConsumer();
    long millis = elapsedMillis();
    BigInteger cost =
        state == State.ACCEPTED
            ? BigInteger.ZERO
            : ProviderSessions.costOf(proposal, to + from, millis);
    return new SessionEvents.Metering(key, cost, to, from, millis, last);
  }
}
