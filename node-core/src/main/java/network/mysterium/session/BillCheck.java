package network.mysterium.session;

import java.math.BigInteger;
import java.util.Optional;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.service.Meter;

/**
 * The consumer's check of the provider's metering against its own count (whitepaper 6.6.3: the
 * consumer may stop paying when it disagrees). The provider may bill what this side counted times
 * the proposal's price, plus a tolerance for what is in flight and for the two clocks: {@value
 * #TOLERANCE_PERCENT} % more, plus {@value #SLACK_BYTES} bytes (per-megabyte prices) or {@value
 * #SLACK_MILLIS} ms (per-second prices), plus one base unit of rounding. Beyond that it is
 * overbilling.
 *
 * <p>Both counts leave out the socket buffers between the two: the provider bills only what the
 * consumer's kernel acknowledged, and the consumer counts what its kernel received, read or not
 * ({@link Meter}), so an application that stops reading moves neither. What remains is on the wire:
 * a bill over the count now is held, and judged {@link #LAG_NANOS} later against the count then,
 * when what was in flight has arrived. So an honest provider is never taken for a cheat, and one
 * that inflates is found a few seconds later (a provider inflating by half on a steady download:
 * within about eight seconds).
 */
final class BillCheck {
  static final int TOLERANCE_PERCENT = 10;
  static final long SLACK_BYTES = 256 * 1024;
  static final long SLACK_MILLIS = 2_000;

  /** How long a bill above the count waits for what was in flight (two metering periods). */
  static final long LAG_NANOS = 2_000_000_000L;

  /** Bills held at once: a provider sending many cannot grow the list. */
  private static final int MAX_HELD = 16;

  private record Held(BigInteger cost, long atNanos) {}

  private final java.util.ArrayDeque<Held> held = new java.util.ArrayDeque<>();

  private final ServiceProposal proposal;
  private final Meter meter;
  private final long startedNanos;

  BillCheck(ServiceProposal proposal, Meter meter, long startedNanos) {
    this.proposal = proposal;
    this.meter = meter;
    this.startedNanos = startedNanos;
  }

  /** The most the provider may bill now, by this side's count. */
  BigInteger allowed(long nowNanos) {
    BigInteger price = proposal.pricePerUnit().baseUnits();
    BigInteger counted =
        switch (proposal.metering()) {
          case PER_MEGABYTE ->
              price
                  .multiply(
                      BigInteger.valueOf(
                          meter.bytesToConsumer() + meter.bytesFromConsumer() + SLACK_BYTES))
                  .divide(BigInteger.valueOf(1_000_000));
          case PER_SECOND ->
              price
                  .multiply(
                      BigInteger.valueOf((nowNanos - startedNanos) / 1_000_000 + SLACK_MILLIS))
                  .divide(BigInteger.valueOf(1000));
        };
    return counted
        .multiply(BigInteger.valueOf(100 + TOLERANCE_PERCENT))
        .divide(BigInteger.valueOf(100))
        .add(BigInteger.ONE);
  }

  /**
   * Why a bill is too much, or empty while it is within the tolerance or still waiting for the
   * bytes in flight: a bill above the count now is judged {@link #LAG_NANOS} later.
   */
  synchronized Optional<String> overbilled(BigInteger cost, long nowNanos) {
    Optional<String> late = judgeHeld(nowNanos);
    if (late.isPresent()) {
      return late;
    }
    if (cost.compareTo(allowed(nowNanos)) <= 0) {
      held.clear(); // bills are cumulative: this one covers every earlier one
    } else {
      if (held.size() == MAX_HELD) {
        held.pollLast(); // keep the oldest, judged first; the newest replaces the last
      }
      held.addLast(new Held(cost, nowNanos));
    }
    return Optional.empty();
  }

  /** Whether a bill is held, waiting for its lag: then judge it once the lag has passed. */
  synchronized boolean holding() {
    return !held.isEmpty();
  }

  /** Judges the held bills whose lag has passed against the count now. */
  synchronized Optional<String> judgeHeld(long nowNanos) {
    BigInteger allowed = allowed(nowNanos);
    while (!held.isEmpty() && nowNanos - held.peekFirst().atNanos() >= LAG_NANOS) {
      Held due = held.pollFirst();
      if (due.cost().compareTo(allowed) > 0) {
        held.clear();
        return Optional.of(
            "billed "
                + Myst.ofBaseUnits(due.cost())
                + " where this side counted at most "
                + Myst.ofBaseUnits(allowed)
                + " two seconds later");
      }
    }
    return Optional.empty();
  }
}
