package network.mysterium.payments;

import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;

/**
 * A promise to pay (whitepaper 6.5.3): the issuer owes the benefiter {@code amount} under {@code
 * serial}. Serials count up per (issuer, benefiter); a promise is updated by raising its amount
 * under the same serial. Each serial is cleared on its own, lowest first, and clearing serial N
 * voids every lower serial of the pair.
 */
public record Promise(Address issuer, Address benefiter, long serial, Myst amount) {
  public Promise {
    if (issuer.equals(benefiter)) {
      throw new IllegalArgumentException("a promise to oneself");
    }
    if (serial <= 0) {
      throw new IllegalArgumentException("promise serials start at 1, got " + serial);
    }
    if (amount.baseUnits().signum() <= 0) {
      throw new IllegalArgumentException("a promise's amount must be positive, got " + amount);
    }
  }

  /** The same promise for a higher amount (an update). */
  public Promise raisedTo(Myst higher) {
    return new Promise(issuer, benefiter, serial, higher);
  }
}
