package network.mysterium.provider;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;
import network.mysterium.messaging.channel.Contact;

/** The contacts a proposal lists, in the order consumers try them. */
final class ProviderContacts {
  private ProviderContacts() {}

  /**
   * The bound port at the advertised address, then the relays' allocations; a loopback address is
   * left out when relays carry the node (a remote consumer would knock at its own machine).
   */
  static List<String> of(Contact bound, String advertisedHost, List<Contact> relayed) {
    InetAddress at = InetAddress.ofLiteral(advertisedHost);
    Contact direct =
        new Contact(bound.type(), new InetSocketAddress(at, bound.address().getPort()));
    Stream<Contact> first =
        relayed.isEmpty() || !at.isLoopbackAddress() ? Stream.of(direct) : Stream.empty();
    return Stream.concat(first, relayed.stream()).map(Contact::toString).toList();
  }
}
