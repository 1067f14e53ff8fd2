package network.mysterium.provider;

import java.util.Optional;
import network.mysterium.money.Myst;

/**
 * What a provider may ask of a consumer's history before it trusts its promises (whitepaper 6.5.6:
 * providers can read an issuer's history on chain): at least {@code minCleared} promises of it
 * cleared by anyone, and at least {@code minBalance} it can spend (its balance less a pending
 * withdrawal). A defaulted identity is refused whatever this says.
 */
public record IssuerHistory(long minCleared, Myst minBalance) {
  /** No requirement beyond not being defaulted. */
  public static final IssuerHistory NONE = new IssuerHistory(0, Myst.ZERO);

  public IssuerHistory {
    if (minCleared < 0 || minBalance.baseUnits().signum() < 0) {
      throw new IllegalArgumentException("a history requirement is not negative");
    }
  }

  /** Why an issuer with this history falls short, or empty when it meets the requirement. */
  public Optional<String> shortfall(long cleared, Myst spendable) {
    if (cleared < minCleared) {
      return Optional.of(
          "this offer asks for " + minCleared + " cleared promises; the chain has " + cleared);
    }
    if (spendable.compareTo(minBalance) < 0) {
      return Optional.of(
          "this offer asks for a balance of "
              + minBalance.toPlainString()
              + " MYST; the chain has "
              + spendable.toPlainString());
    }
    return Optional.empty();
  }
}
