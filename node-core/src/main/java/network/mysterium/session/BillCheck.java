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
 */
final class BillCheck {
  static final int TOLERANCE_PERCENT = 10;
  static final long SLACK_BYTES = 256 * 1024;
  static final long SLACK_MILLIS = 2_000;

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

  /** Why a billed cost is too much, or empty when it is within the tolerance. */
  Optional<String> overbilled(BigInteger cost, long nowNanos) {
    BigInteger allowed = allowed(nowNanos);
    return cost.compareTo(allowed) > 0
        ? Optional.of(
            "billed "
                + Myst.ofBaseUnits(cost)
                + " where this side counted at most "
                + Myst.ofBaseUnits(allowed))
        : Optional.empty();
  }
}
