package network.mysterium.relay;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;
import network.mysterium.messaging.channel.Contact;

/**
 * How peers reach this node, as it can tell by itself: what its relays see of it. A relay that sees
 * it at one of its own interface addresses sees it unmapped (a public address, as far as that path
 * goes); one that sees another address sees it through a NAT, and then (until hole punching) the
 * node is reached through the relays only.
 */
public record Reachability(Kind kind, List<RelayedChannel.Registration> relays, String why) {
  public enum Kind {
    /** No relay is configured: the node is reached at the contacts it announces, if at all. */
    DIRECT_ONLY,
    /** A relay sees the node at one of its own addresses: no NAT on that path. */
    PUBLIC,
    /** The relays see the node through a NAT: peers reach it through them. */
    THROUGH_RELAY,
    /**
     * Behind a NAT, and punches through it have found direct paths: peers start through the relays
     * and move to a direct path where the two routers let one through.
     */
    PUNCHED,
    /** Relays are configured but none has answered (yet). */
    UNREACHABLE
  }

  public Reachability {
    relays = List.copyOf(relays);
  }

  /** The contacts peers use through the relays. */
  public List<Contact> relayContacts() {
    return relays.stream().map(RelayedChannel.Registration::allocation).toList();
  }

  /** What the node's relays say, and what its punches found. */
  public static Reachability of(Optional<RelayedChannel> relayed, PunchingChannel.Stats punches) {
    Reachability seen = of(relayed);
    if (seen.kind() != Kind.THROUGH_RELAY || punches.tried() == 0) {
      return seen;
    }
    String relay = seen.relays().getFirst().allocation().toString();
    if (punches.punched() == 0) {
      return new Reachability(
          Kind.THROUGH_RELAY,
          seen.relays(),
          seen.why()
              + "; none of "
              + punches.tried()
              + " punches found a direct path (both routers must let one through: a router"
              + " that maps each destination to a new port does not), so peers stay on "
              + relay);
    }
    return new Reachability(
        Kind.PUNCHED,
        seen.relays(),
        seen.why()
            + "; "
            + punches.punched()
            + " of "
            + punches.tried()
            + " punches found a direct path, the other peers stay on "
            + relay);
  }

  /** What the node's relayed channel (if any) says now. */
  public static Reachability of(Optional<RelayedChannel> relayed) {
    if (relayed.isEmpty()) {
      return new Reachability(Kind.DIRECT_ONLY, List.of(), "no relay is configured");
    }
    List<RelayedChannel.Registration> now = relayed.get().current();
    if (now.isEmpty()) {
      return new Reachability(Kind.UNREACHABLE, now, "no relay has answered this node yet");
    }
    RelayedChannel.Registration first = now.getFirst();
    InetAddress seen = first.observed().getAddress();
    if (isLocal(seen)) {
      return new Reachability(
          Kind.PUBLIC,
          now,
          "relay " + first.relay() + " sees this node at its own address " + first.observed());
    }
    return new Reachability(
        Kind.THROUGH_RELAY,
        now,
        "relay "
            + first.relay()
            + " sees this node at "
            + first.observed()
            + ", not an address of this machine: a NAT is in between, so peers reach it through "
            + first.allocation());
  }

  private static boolean isLocal(InetAddress address) {
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
