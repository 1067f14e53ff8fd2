package network.mysterium.chain;

/** A log of a followed event that the index will not take, with the typed reason. */
final class RefusedEventException extends Exception {
  private final EventRefusal reason;

  RefusedEventException(EventRefusal reason, String detail) {
    super(reason + ": " + detail, null, false, false); // no stack trace: this is a normal path
    this.reason = reason;
  }

  EventRefusal reason() {
    return reason;
  }
}
