package network.mysterium.node;

import java.time.Duration;
import java.util.Optional;
import network.mysterium.chain.ChainIndex;
import network.mysterium.relay.Reachability;
import network.mysterium.relay.RelayServer;
import network.mysterium.relay.RelayedChannel;
import network.mysterium.relay.TcpSplices;
import network.mysterium.store.StoreException;

/** What a node does with relays (whitepaper 6.6): the ones it uses, and the one it may serve. */
final class NodeRelays {
  private NodeRelays() {}

  /**
   * Identities registered on the chain the node follows, and not defaulted: their stake stands
   * behind what they make a relay do.
   */
  static RelayServer.Admission admission(ChainIndex index) {
    return identity -> {
      try {
        return index.registration(identity).isPresent() && !index.isDefaulted(identity);
      } catch (StoreException e) {
        return false;
      }
    };
  }

  /** The relays' TCP splices for the node's SOCKS5 exit, when a NAT is in between. */
  static TcpSplices splices(Optional<RelayedChannel> relayed) {
    return relayed.<TcpSplices>map(RelayedChannel::splices).orElse(TcpSplices.NONE);
  }

  /**
   * How the node is reached, with its relays' allocations, once one has answered (sharing waits a
   * little for them).
   */
  static Reachability reachability(Optional<RelayedChannel> relayed) {
    relayed.ifPresent(r -> r.awaitAny(Duration.ofSeconds(5)));
    return Reachability.of(relayed);
  }
}
