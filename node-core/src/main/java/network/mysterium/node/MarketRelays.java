package network.mysterium.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import network.mysterium.crypto.Address;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;

/**
 * Relays as a market service (whitepaper 6.6): which of the relay proposals a provider behind a NAT
 * registers with. A relay's proposal is any registered identity's word, so what it lists is read as
 * hostile: a contact that is not a UDP unicast address is skipped, and so is a control address
 * another (cheaper) proposal already named.
 */
public final class MarketRelays {
  /** A relay picked from the market: who announced it, where it registers nodes, its price. */
  public record Relay(Address identity, InetSocketAddress control, ServiceProposal proposal) {}

  private MarketRelays() {}

  /**
   * Up to {@code wanted} relays from proposals listed cheapest first, in that order; never {@code
   * self} (a node cannot be reached through its own relay), each control address once.
   */
  public static List<Relay> pick(List<ServiceProposal> cheapestFirst, Address self, int wanted) {
    List<Relay> picked = new ArrayList<>();
    Set<InetSocketAddress> seen = new HashSet<>();
    for (ServiceProposal proposal : cheapestFirst) {
      if (picked.size() >= wanted) {
        break;
      }
      if (!proposal.serviceType().equals(ServiceTypes.RELAY) || proposal.provider().equals(self)) {
        continue;
      }
      Optional<InetSocketAddress> control = control(proposal);
      if (control.isPresent() && seen.add(control.get())) {
        picked.add(new Relay(proposal.provider(), control.get(), proposal));
      }
    }
    return List.copyOf(picked);
  }

  /** The first contact a node can register at: UDP, a unicast address, a port. */
  private static Optional<InetSocketAddress> control(ServiceProposal proposal) {
    for (String text : proposal.contacts()) {
      Contact contact = Contact.parse(text); // the proposal was validated: it parses
      InetAddress at = contact.address().getAddress();
      if (contact.type().equals("udp")
          && contact.address().getPort() != 0
          && !at.isAnyLocalAddress()
          && !at.isMulticastAddress()) {
        return Optional.of(contact.address());
      }
    }
    return Optional.empty();
  }
}
