package network.mysterium.service.wireguard;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * One peer of a {@link WireGuardDevice}: its static key, where it is, its sessions (current,
 * previous and the responder's unconfirmed next), the handshake under way, and its timers' marks.
 * Fields the data plane reads are volatile; handshake state changes under the peer's lock.
 */
public final class Peer {
  /** Where a peer's traffic is counted (e.g. a session's meter). */
  public interface Traffic {
    Traffic NONE = new Traffic() {};

    /** IP bytes that came from the peer and went into the device. */
    default void received(long bytes) {}

    /** IP bytes that went from the device to the peer. */
    default void sent(long bytes) {}

    /** Whether a packet of these IP bytes may go to the peer now (a bandwidth limit drops it). */
    default boolean mayPass(long bytes) {
      return true;
    }

    /** Whether a packet of these IP bytes from the peer may go into the device now. */
    default boolean mayEnter(long bytes) {
      return true;
    }

    /** Counts with the two given functions (e.g. a session meter's two directions). */
    static Traffic of(LongConsumer received, LongConsumer sent) {
      return new Traffic() {
        @Override
        public void received(long bytes) {
          received.accept(bytes);
        }

        @Override
        public void sent(long bytes) {
          sent.accept(bytes);
        }
      };
    }
  }

  /** A session and when and how it was made. */
  record Keypair(Session session, Peer peer, boolean initiator, long createdNanos) {}

  /** Packets kept while a handshake is under way (WireGuard keeps a few too). */
  static final int STAGED_LIMIT = 128;

  final byte[] publicKey;
  volatile byte[] presharedKey;
  final Traffic traffic;
  volatile InetSocketAddress endpoint;
  volatile int persistentKeepaliveSeconds;

  volatile Keypair current;
  volatile Keypair previous;
  volatile Keypair next;

  // the handshake under way, if any (under the peer's lock)
  Initiator pending;
  int pendingIndex;
  long handshakeStarted;
  long lastInitiationSent;
  byte[] lastMac1;
  byte[] cookie;
  long cookieReceived;
  byte[] lastTimestamp = new byte[12];
  long lastInitiationConsumed; // when we last took one of its initiations (flood limit)
  final Deque<byte[]> staged = new ArrayDeque<>();

  volatile long lastHandshakeEpochMillis;
  volatile long lastSent;
  volatile long lastReceived;
  volatile long lastDataSent;
  volatile long lastDataReceived;
  volatile long lastNewKeypair;
  final AtomicLong rxBytes = new AtomicLong();
  final AtomicLong txBytes = new AtomicLong();

  Peer(
      byte[] publicKey,
      byte[] presharedKey,
      InetSocketAddress endpoint,
      int persistentKeepaliveSeconds,
      Traffic traffic,
      long now) {
    this.publicKey = publicKey.clone();
    this.presharedKey = presharedKey.clone();
    this.endpoint = endpoint;
    this.persistentKeepaliveSeconds = persistentKeepaliveSeconds;
    this.traffic = traffic;
    this.lastNewKeypair = now;
    this.lastInitiationConsumed = now - WireGuardSpec.SECOND;
  }

  /** Keeps a packet for the handshake under way; the oldest goes when too many wait. */
  void stage(byte[] packet) {
    synchronized (this) {
      if (staged.size() >= STAGED_LIMIT) {
        staged.removeFirst();
      }
      staged.addLast(packet);
    }
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  public InetSocketAddress endpoint() {
    return endpoint;
  }

  /** When the last handshake completed (epoch milliseconds), 0 for never. */
  public long lastHandshakeEpochMillis() {
    return lastHandshakeEpochMillis;
  }

  /** Bytes received from the peer on the wire (transport messages). */
  public long rxBytes() {
    return rxBytes.get();
  }

  /** Bytes sent to the peer on the wire (transport messages). */
  public long txBytes() {
    return txBytes.get();
  }

  public int persistentKeepaliveSeconds() {
    return persistentKeepaliveSeconds;
  }

  /** Whether a session is up that can carry data now. */
  public boolean established() {
    return current != null;
  }
}
