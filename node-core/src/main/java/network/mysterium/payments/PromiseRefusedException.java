package network.mysterium.payments;

/** A promise the benefiter will not take, and why (sent back to the issuer as the reason). */
public final class PromiseRefusedException extends Exception {
  /** Why a promise was refused (whitepaper 6.5.3 validity rules, then the provider's policy). */
  public enum Reason {
    WRONG_BENEFITER,
    BAD_SIGNATURE,
    SERIAL_ALREADY_CLEARED,
    LOWER_SERIAL,
    NOT_AN_INCREASE,
    UPDATE_AFTER_NEW_SERIAL_REQUESTED,
    BELOW_POLICY,
    EXPOSURE_CAP
  }

  private final Reason reason;

  public PromiseRefusedException(Reason reason, String detail) {
    super(reason + ": " + detail);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
