package network.mysterium.messaging;

/** The one exception the datagram decoder throws: the datagram is refused, and why. */
public final class RejectedDatagramException extends Exception {
  private final Rejection reason;

  public RejectedDatagramException(Rejection reason, String detail) {
    super(reason + ": " + detail);
    this.reason = reason;
  }

  public Rejection reason() {
    return reason;
  }
}
