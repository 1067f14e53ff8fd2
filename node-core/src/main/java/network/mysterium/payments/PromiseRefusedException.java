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
  private final long lastClearedSerial;
  private final long heldSerial;

  public PromiseRefusedException(Reason reason, String detail) {
    this(reason, detail, 0, 0);
  }

  /** A refusal that also says where the pair stands, so the issuer can resync its serial. */
  public PromiseRefusedException(
      Reason reason, String detail, long lastClearedSerial, long heldSerial) {
    super(reason + ": " + detail);
    this.reason = reason;
    this.lastClearedSerial = lastClearedSerial;
    this.heldSerial = heldSerial;
  }

  public Reason reason() {
    return reason;
  }

  /** The last serial the benefiter knows cleared for this issuer (0 when unknown or none). */
  public long lastClearedSerial() {
    return lastClearedSerial;
  }

  /** The highest serial the benefiter holds uncleared from this issuer (0 when none). */
  public long heldSerial() {
    return heldSerial;
  }
}
