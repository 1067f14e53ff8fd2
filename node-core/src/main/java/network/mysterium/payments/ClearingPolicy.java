package network.mysterium.payments;

import java.time.Duration;
import network.mysterium.money.Myst;

/**
 * When a provider clears (whitepaper 6.5.6 leaves the trade-off to it): at every session end, and
 * also, checked every {@code checkEvery}, as soon as a consumer's uncleared promises reach {@code
 * atValue} or the oldest is older than {@code after}.
 */
public record ClearingPolicy(Myst atValue, Duration after, Duration checkEvery) {
  public static ClearingPolicy defaults() {
    return new ClearingPolicy(Myst.parse("1"), Duration.ofHours(24), Duration.ofMinutes(1));
  }
}
