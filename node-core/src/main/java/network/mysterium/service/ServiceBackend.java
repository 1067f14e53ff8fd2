package network.mysterium.service;

/** A service type's provider side: what it needs to start and end a session. */
public interface ServiceBackend {
  /**
   * Prepares a session; returns the provider data for the session acceptance.
   *
   * @throws RefusedException when the consumer's service data cannot be served, with why
   */
  byte[] open(byte[] sessionId, byte[] serviceData, Meter meter) throws RefusedException;

  default void closed(byte[] sessionId) {}

  /** The service will not serve this request; the message says why. */
  final class RefusedException extends Exception {
    public RefusedException(String reason) {
      super(reason);
    }
  }
}
