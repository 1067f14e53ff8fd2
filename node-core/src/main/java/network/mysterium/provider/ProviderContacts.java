package network.mysterium.provider;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.relay.Reachability;

/** The contacts a proposal lists, in the order consumers try them. */
final class ProviderContacts {
  /** A provider with dialogues of its own: no relay carries it. */
  static final Reachability DIRECT = Reachability.of(java.util.Optional.empty());

  private ProviderContacts() {}

  /**
   * The bound port at the advertised address and the relays' allocations: the direct contact first,
   * unless the relays see a NAT in between ({@link Reachability.Kind#THROUGH_RELAY}), where it is
   * listed last, so a consumer does not spend its first timeout on a contact the NAT drops. A
   * loopback address is left out when relays carry the node (a remote consumer would knock at its
   * own machine).
   */
  static List<String> of(Contact bound, String advertisedHost, Reachability reached) {
    InetAddress at = InetAddress.ofLiteral(advertisedHost);
    Contact direct =
        new Contact(bound.type(), new InetSocketAddress(at, bound.address().getPort()));
    List<Contact> relayed = reached.relayContacts();
    Stream<Contact> directly =
        relayed.isEmpty() || !at.isLoopbackAddress() ? Stream.of(direct) : Stream.empty();
    Stream<Contact> ordered =
        reached.kind() == Reachability.Kind.THROUGH_RELAY
                || reached.kind() == Reachability.Kind.PUNCHED
            ? Stream.concat(relayed.stream(), directly)
            : Stream.concat(directly, relayed.stream());
    return ordered.map(Contact::toString).toList();
  }
}
