package network.mysterium.messaging.channel;

import java.io.IOException;

/** Opens the channel a contact names. */
public final class Channels {
  private Channels() {}

  /** Listens where the contact says: {@code udp://} or {@code tcp://}, port 0 for a free one. */
  public static Channel listen(Contact contact) throws IOException {
    return switch (contact.type()) {
      case "udp" -> UdpChannel.bind(contact.address());
      case "tcp" -> TcpChannel.bind(contact.address());
      default -> throw new IllegalArgumentException("unknown channel type " + contact.type());
    };
  }
}
