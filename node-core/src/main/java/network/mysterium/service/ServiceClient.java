package network.mysterium.service;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A service type's consumer side: what it asks for in the session request, and the data channel it
 * brings up from the provider's offer in the acceptance.
 */
public interface ServiceClient extends AutoCloseable {
  /** Makes one client per connection attempt (a client is used for one session). */
  @FunctionalInterface
  interface Factory {
    /**
     * @param providerContact where the provider's dialogue is (the IP tunnel keeps it reachable)
     * @throws IOException when this consumer cannot use that service type, with why
     */
    ServiceClient create(String serviceType, InetSocketAddress providerContact) throws IOException;
  }

  /** The service type this client speaks, as proposals name it. */
  String serviceType();

  /** The consumer's service data for the session request. */
  byte[] request();

  /**
   * Brings the data channel up from the provider's data in the acceptance.
   *
   * @throws IOException when it cannot come up; the message says why, for the user
   */
  void start(byte[] providerData, byte[] sessionId, Meter meter) throws IOException;

  /** Where or how the user reaches the service now, in a few words. */
  String describe();

  /**
   * The provider ended the session or vanished. A client that protects against leaks (the IP
   * tunnel's kill switch) keeps blocking until {@link #close()}; others just close.
   */
  default void lost() {
    close();
  }

  /** Takes the data channel down, and whatever it changed on the system with it. */
  @Override
  void close();
}
