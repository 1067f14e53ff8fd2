package network.mysterium.provider;

import java.util.Optional;
import network.mysterium.money.Myst;

/**
 * How far a provider trusts a consumer's promises (whitepaper 6.5.6): the history it asks for (at
 * least {@code minCleared} promises of it cleared by anyone, at least {@code minBalance} it can
 * spend: its balance less a pending withdrawal), and whether it shares what it holds with other
 * providers and counts what they hold ({@code sharing}). A defaulted identity is refused whatever
 * this says.
 */
public record IssuerTrust(long minCleared, Myst minBalance, boolean sharing) {
  /** No history asked; exposure shared with other providers. */
  public static final IssuerTrust NONE = new IssuerTrust(0, Myst.ZERO, true);

  /** Asks for this history; shares exposure. */
  public IssuerTrust(long minCleared, Myst minBalance) {
    this(minCleared, minBalance, true);
  }

  /** The same, alone: neither reporting what it holds nor counting what others hold. */
  public IssuerTrust alone() {
    return new IssuerTrust(minCleared, minBalance, false);
  }

  public IssuerTrust {
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
