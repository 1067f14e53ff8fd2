package network.mysterium.messaging.channel;

import java.io.IOException;
import network.mysterium.crypto.Address;

/**
 * Carries opaque datagrams between nodes, unreliably: they may be lost, duplicated or reordered
 * (whitepaper 6.6). Dialogues make delivery reliable on top. One implementation per channel type.
 */
public interface Channel extends AutoCloseable {
  /** What receives datagrams: the bytes and the contact they came from (to answer on). */
  @FunctionalInterface
  interface Receiver {
    void receive(byte[] datagram, Contact from);
  }

  /** Where peers reach this channel. */
  Contact localContact();

  /** Starts delivering received datagrams to the receiver, on the channel's own thread. */
  void start(Receiver receiver);

  void send(Contact to, byte[] datagram) throws IOException;

  /**
   * Told by the layer above once a datagram that came from {@code from} opened as a message signed
   * by {@code sender}: a channel that learns paths (relays, punched holes) binds them to identities
   * only through this, never on the strength of an unauthenticated datagram. Wrappers pass it on.
   */
  default void authenticated(Contact from, Address sender) {}

  @Override
  void close();
}
