package network.mysterium.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import network.mysterium.crypto.Address;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.service.Meter;
import org.junit.jupiter.api.Test;

/** The consumer's check of bills against its own count, with data still in flight. */
class BillCheckTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long MB = 1_000_000;
  private final ServiceProposal proposal =
      new ServiceProposal(
          ServiceProposal.FORMAT_VERSION,
          Address.parse("0x00000000000000000000000000000000000000aa"),
          1,
          "socks5",
          new ServiceProposal.Place("DE", 3320),
          new ServiceProposal.Place("DE", 3320),
          100_000,
          ServiceProposal.Metering.PER_MEGABYTE,
          Myst.parse("0.01"),
          List.of("udp://203.0.113.1:5000"));
  private final Meter meter = new Meter();
  private final BillCheck check = new BillCheck(proposal, meter, 0);

  /** What the provider bills for {@code bytes}: the proposal's price, exactly. */
  private static BigInteger bill(long bytes) {
    return Myst.parse("0.01")
        .baseUnits()
        .multiply(BigInteger.valueOf(bytes))
        .divide(BigInteger.valueOf(MB));
  }

  @Test
  void anHonestBillAheadOfTheCountByWhatIsInFlightIsNotOverbilling() {
    // at 12.5 MB/s with 4 MB in socket buffers: every bill is 4 MB ahead of what arrived
    for (int t = 1; t <= 20; t++) {
      meter.countToConsumer(12_500_000 - (t == 1 ? 4 * MB : 0));
      long sent = 12_500_000L * t;
      assertThat(check.overbilled(bill(sent), t * SECOND)).as("second %d", t).isEmpty();
    }
    // the download ends: what was in flight arrives, the last bill stands
    meter.countToConsumer(4 * MB);
    assertThat(check.overbilled(bill(12_500_000L * 20), 22 * SECOND)).isEmpty();
  }

  @Test
  void aProviderInflatingByHalfOnASteadyDownloadIsFoundWithinSeconds() {
    Integer foundAt = null;
    for (int t = 1; t <= 20 && foundAt == null; t++) {
      meter.countToConsumer(12_500_000);
      long sent = 12_500_000L * t;
      if (check.overbilled(bill(sent * 3 / 2), t * SECOND).isPresent()) {
        foundAt = t;
      }
    }
    assertThat(foundAt).isNotNull().isBetween(3, 9);
  }

  @Test
  void aBillForTrafficThatNeverCameIsFoundOnceItsLagHasPassed() {
    meter.countToConsumer(MB);
    assertThat(check.overbilled(bill(50 * MB), SECOND)).isEmpty(); // may still be in flight
    assertThat(check.overbilled(bill(50 * MB), 2 * SECOND)).isEmpty();
    assertThat(check.overbilled(bill(50 * MB), 3 * SECOND))
        .hasValueSatisfying(why -> assertThat(why).startsWith("billed 0.5 MYST"));
  }
}
