package network.mysterium.service.wireguard;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device's receiver indices: which keypair a transport message's index names, and which peer a
 * response or cookie reply to a pending initiation belongs to. Callers hold the peer's monitor.
 */
final class Keypairs {
  private final Map<Integer, Peer.Keypair> byIndex = new ConcurrentHashMap<>();
  private final Map<Integer, Peer> pendingByIndex = new ConcurrentHashMap<>();
  private final SecureRandom random;

  Keypairs(SecureRandom random) {
    this.random = random;
  }

  Peer.Keypair byIndex(int index) {
    return byIndex.get(index);
  }

  Peer pending(int index) {
    return pendingByIndex.get(index);
  }

  void put(int index, Peer.Keypair keypair) {
    byIndex.put(index, keypair);
  }

  void putPending(int index, Peer peer) {
    pendingByIndex.put(index, peer);
  }

  void removePending(int index) {
    pendingByIndex.remove(index);
  }

  void remove(Peer.Keypair keypair) {
    if (keypair != null) {
      byIndex.remove(keypair.session().localIndex());
    }
  }

  /** A random index no keypair or pending handshake uses. */
  int freeIndex() {
    while (true) {
      int index = random.nextInt();
      if (!byIndex.containsKey(index) && !pendingByIndex.containsKey(index)) {
        return index;
      }
    }
  }

  /** A new session becomes current; the old current stays to receive what is still in flight. */
  void rotate(Peer peer, Peer.Keypair keypair) {
    remove(peer.previous);
    peer.previous = peer.current;
    peer.current = keypair;
  }

  void drop(Peer peer) {
    remove(peer.current);
    remove(peer.previous);
    remove(peer.next);
    peer.current = null;
    peer.previous = null;
    peer.next = null;
  }
}
