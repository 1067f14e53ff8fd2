package network.mysterium.service.wireguard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cryptokey routing (WireGuard paper, section 2): which peer an address belongs to, by the longest
 * matching allowed-IPs prefix. Outgoing packets go to the peer of their destination; an incoming
 * packet is accepted only when its source belongs to the peer that sealed it. Copy-on-write: the
 * data plane reads without locks, changes (peers added or removed) are rare.
 */
final class AllowedIps<P> {
  private record Entry<P>(IpPrefix prefix, P peer) {}

  private volatile List<Entry<P>> entries = List.of();

  /** Routes the prefix to the peer (a prefix belongs to one peer: it moves if it had another). */
  synchronized void add(IpPrefix prefix, P peer) {
    List<Entry<P>> next = new ArrayList<>(entries);
    next.removeIf(e -> e.prefix().equals(prefix));
    next.add(new Entry<>(prefix, peer));
    next.sort(Comparator.comparingInt((Entry<P> e) -> e.prefix().bits()).reversed());
    entries = List.copyOf(next);
  }

  synchronized void removePeer(P peer) {
    List<Entry<P>> next = new ArrayList<>(entries);
    next.removeIf(e -> e.peer() == peer);
    entries = List.copyOf(next);
  }

  List<IpPrefix> prefixesOf(P peer) {
    return entries.stream().filter(e -> e.peer() == peer).map(Entry::prefix).toList();
  }

  /** The peer whose prefix holds the address at {@code ip[offset..offset+length)}, or null. */
  P lookup(byte[] ip, int offset, int length) {
    for (Entry<P> e : entries) {
      if (e.prefix().contains(ip, offset, length)) {
        return e.peer();
      }
    }
    return null;
  }

  /** The peer an IP packet is addressed to (destination), or null. */
  P destinationOf(byte[] packet, int offset, int length) {
    int version = length > 0 ? (packet[offset] >> 4) & 0xf : 0;
    if (version == 4 && length >= 20) {
      return lookup(packet, offset + 16, 4);
    }
    if (version == 6 && length >= 40) {
      return lookup(packet, offset + 24, 16);
    }
    return null;
  }

  /** The peer an IP packet comes from (source), or null. */
  P sourceOf(byte[] packet, int offset, int length) {
    int version = length > 0 ? (packet[offset] >> 4) & 0xf : 0;
    if (version == 4 && length >= 20) {
      return lookup(packet, offset + 12, 4);
    }
    if (version == 6 && length >= 40) {
      return lookup(packet, offset + 8, 16);
    }
    return null;
  }
}
