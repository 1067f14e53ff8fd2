package network.mysterium.service.tunnel;

import java.io.IOException;

/** The consumer will not bring the IP tunnel up from what the provider offered. */
public final class OfferRefusedException extends IOException {
  /** Why, for code (the message is for the user). */
  public enum Reason {
    /** Not a WireGuard offer, or a value out of range. */
    MALFORMED,
    /**
     * The consumer's tunnel address is not a single host (/32): a wider prefix would route part of
     * the consumer's own network into the provider's tunnel.
     */
    NOT_A_HOST_ADDRESS
  }

  private final Reason reason;

  public OfferRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
