package network.mysterium.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Contact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's channel, also reachable through relays: it registers with each relay from its own socket
 * (so the relay's FROM frames come back through the NAT mapping its keepalives hold open), learns
 * the address the relay sees it at, and delivers what peers sent to its allocation as if they had
 * sent it here, from a {@link Contact#RELAYED} contact that replies go back through. Everything
 * else passes through to the channel it wraps.
 */
public final class RelayedChannel implements Channel {
  private static final Logger LOG = LoggerFactory.getLogger(RelayedChannel.class);
  private static final int MAX_PEERS = 4096;

  /**
   * What one relay gives this node: where peers reach it, where the relay sees it, and the relay's
   * TCP port for the node's stream services (empty when the relay opened none).
   */
  public record Registration(
      InetSocketAddress relay,
      Contact allocation,
      InetSocketAddress observed,
      Optional<InetSocketAddress> splice) {
    /** The same registration, seen at another address. */
    Registration seenAt(InetSocketAddress now) {
      return new Registration(relay, allocation, now, splice);
    }
  }

  private final Channel inner;
  private final PrivateKey key;
  private final List<InetSocketAddress> relays;
  private final Duration keepalive;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<InetSocketAddress, RelayState> byRelay = new LinkedHashMap<>();
  private final Map<InetSocketAddress, RelayState> byPeer =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, RelayState> eldest) {
          return size() > MAX_PEERS;
        }
      };
  private final DialBack dialBack = new DialBack(this::spliceAddress);
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("relay-keepalive").daemon().factory());

  public RelayedChannel(
      Channel inner, PrivateKey key, List<InetSocketAddress> relays, Duration keepalive) {
    this.inner = inner;
    this.key = key;
    this.relays = List.copyOf(relays);
    this.keepalive = keepalive;
    this.clock = Clock.systemUTC();
    for (InetSocketAddress relay : this.relays) {
      byRelay.put(relay, new RelayState(relay));
    }
  }

  @Override
  public Contact localContact() {
    return inner.localContact();
  }

  /** Each relay's registration, completed once the relay answered the first time. */
  public List<CompletableFuture<Registration>> registrations() {
    return byRelay.values().stream().map(r -> r.registered).toList();
  }

  /** The registrations the relays have answered so far. */
  public List<Registration> current() {
    synchronized (byRelay) {
      return byRelay.values().stream()
          .map(r -> r.registration)
          .filter(java.util.Objects::nonNull)
          .toList();
    }
  }

  @Override
  public void start(Receiver receiver) {
    inner.start((datagram, from) -> receive(datagram, from, receiver));
    timer.scheduleWithFixedDelay(this::refresh, 0, keepalive.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void receive(byte[] datagram, Contact from, Receiver receiver) {
    RelayState relay;
    synchronized (byRelay) {
      relay = from.type().equals("udp") ? byRelay.get(from.address()) : null;
    }
    if (relay == null || !RelayFrames.isFrame(datagram)) {
      receiver.receive(datagram, from);
      return;
    }
    ByteBuffer frame = ByteBuffer.wrap(datagram);
    try {
      byte op = frame.get();
      switch (op) {
        case RelayFrames.FROM -> {
          InetSocketAddress peer = RelayFrames.getAddress(frame);
          synchronized (byRelay) {
            byPeer.put(peer, relay);
          }
          byte[] payload = new byte[frame.remaining()];
          frame.get(payload);
          receiver.receive(payload, new Contact(Contact.RELAYED, peer));
        }
        case RelayFrames.REGISTERED -> {
          byte[] token = new byte[RelayFrames.TOKEN_BYTES];
          frame.get(token);
          int port = Short.toUnsignedInt(frame.getShort());
          InetSocketAddress observed = RelayFrames.getAddress(frame);
          byte[] nonce = new byte[RelayFrames.NONCE_BYTES];
          frame.get(nonce);
          // a relay without splices sends no TCP port
          int splicePort = frame.remaining() >= 2 ? Short.toUnsignedInt(frame.getShort()) : 0;
          Registration registration =
              new Registration(
                  relay.address,
                  new Contact("udp", new InetSocketAddress(relay.address.getAddress(), port)),
                  observed,
                  splicePort == 0
                      ? Optional.empty()
                      : Optional.of(new InetSocketAddress(relay.address.getAddress(), splicePort)));
          synchronized (byRelay) {
            if (!relay.asked.remove(ByteBuffer.wrap(nonce))) {
              LOG.debug("relay {}: an answer to no registration of this node", relay.address);
              return; // forged, or a registration someone replayed from elsewhere
            }
            relay.token = token;
            relay.registration = registration;
          }
          keepalive(relay, token); // confirms this address: the relay forwards from then on
          relay.registered.complete(registration);
        }
        case RelayFrames.ALIVE -> {
          InetSocketAddress observed = RelayFrames.getAddress(frame);
          if (!ownToken(relay, frame)) {
            return;
          }
          synchronized (byRelay) {
            if (relay.registration != null && !relay.registration.observed().equals(observed)) {
              LOG.info("relay {} now sees this node at {}", relay.address, observed);
              relay.registration = relay.registration.seenAt(observed);
            }
          }
        }
        case RelayFrames.REFUSED -> {
          frame.get(); // the reason
          if (!ownToken(relay, frame)) {
            return; // about another token: not this node's registration
          }
          LOG.info("relay {} no longer knows this node: registering again", relay.address);
          synchronized (byRelay) {
            relay.token = null;
            relay.registration = null;
          }
          timer.execute(this::refresh); // signing stays off the receive thread
        }
        case RelayFrames.DIAL -> {
          if (!ownToken(relay, frame)) {
            return; // not from the relay this node registered with
          }
          byte[] dial = new byte[RelayFrames.TOKEN_BYTES];
          frame.get(dial);
          int port = Short.toUnsignedInt(frame.getShort());
          dialBack.dial(new InetSocketAddress(relay.address.getAddress(), port), dial);
        }
        default -> LOG.debug("relay {} sent an unknown frame {}", relay.address, op);
      }
    } catch (java.nio.BufferUnderflowException | IOException e) {
      LOG.debug("relay {}: {}", relay.address, e.toString());
    }
  }

  /** Whether the frame's remaining 16 bytes are this node's current token at the relay. */
  private boolean ownToken(RelayState relay, ByteBuffer frame) {
    byte[] echoed = new byte[RelayFrames.TOKEN_BYTES];
    frame.get(echoed);
    synchronized (byRelay) {
      return relay.token != null && java.security.MessageDigest.isEqual(relay.token, echoed);
    }
  }

  private void keepalive(RelayState relay, byte[] token) throws IOException {
    inner.send(
        new Contact("udp", relay.address),
        ByteBuffer.allocate(1 + token.length).put(RelayFrames.KEEPALIVE).put(token).array());
  }

  /** Keepalives hold the NAT's mapping and the relay's allocation open. */
  private void refresh() {
    for (RelayState relay : byRelay.values()) {
      try {
        byte[] token;
        synchronized (byRelay) {
          token = relay.token;
        }
        if (token == null) {
          register(relay);
        } else {
          keepalive(relay, token);
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("relay {}: {}", relay.address, e.toString());
      }
    }
  }

  private void register(RelayState relay) throws IOException {
    long now = clock.instant().getEpochSecond();
    byte[] nonce = new byte[RelayFrames.NONCE_BYTES];
    random.nextBytes(nonce);
    synchronized (byRelay) {
      if (relay.asked.size() >= 4) { // answers to older registrations are no longer awaited
        relay.asked.remove(relay.asked.iterator().next());
      }
      relay.asked.add(ByteBuffer.wrap(nonce));
    }
    byte[] signature =
        key.sign(RelayFrames.registrationDigest(relay.address, key.address(), now, nonce))
            .toBytes();
    ByteBuffer frame =
        ByteBuffer.allocate(RelayFrames.REGISTER_BYTES)
            .put(RelayFrames.REGISTER)
            .put(key.address().toBytes())
            .putLong(now)
            .put(nonce)
            .put(signature);
    inner.send(new Contact("udp", relay.address), frame.array());
  }

  @Override
  public void authenticated(Contact from, network.mysterium.crypto.Address sender) {
    inner.authenticated(from, sender);
  }

  @Override
  public void send(Contact to, byte[] datagram) throws IOException {
    if (!to.type().equals(Contact.RELAYED)) {
      inner.send(to, datagram);
      return;
    }
    RelayState relay;
    byte[] token;
    synchronized (byRelay) {
      relay = byPeer.get(to.address());
      token = relay == null ? null : relay.token;
    }
    if (token == null) {
      throw new IOException("no relay holds a path to " + to.address() + " now");
    }
    ByteBuffer frame =
        ByteBuffer.allocate(RelayFrames.TO_HEADER_BYTES + datagram.length)
            .put(RelayFrames.TO)
            .put(token);
    RelayFrames.putAddress(frame, to.address());
    frame.put(datagram);
    inner.send(new Contact("udp", relay.address), frame.array());
  }

  /**
   * Waits (at most {@code within}) until some relay has answered, and returns what the relays gave
   * by then.
   */
  public List<Registration> awaitAny(Duration within) {
    try {
      CompletableFuture.anyOf(registrations().toArray(CompletableFuture[]::new))
          .get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.info("no relay answered within {}", within);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return current();
  }

  /** This node's stream services through its relays' TCP splices. */
  public TcpSplices splices() {
    return dialBack;
  }

  /**
   * A relay's TCP port, when the relays see this node through a NAT (a node they see at its own
   * address is reached there directly).
   */
  private Optional<InetSocketAddress> spliceAddress() {
    Reachability reached = Reachability.of(Optional.of(this));
    if (reached.kind() != Reachability.Kind.THROUGH_RELAY) {
      return Optional.empty();
    }
    return reached.relays().stream().flatMap(r -> r.splice().stream()).findFirst();
  }

  /** The registration of the first relay that answered, if any has. */
  public Optional<Registration> first() {
    List<Registration> now = current();
    return now.isEmpty() ? Optional.empty() : Optional.of(now.getFirst());
  }

  @Override
  public void close() {
    timer.shutdownNow();
    inner.close();
  }

  /** One relay, as this node knows it; guarded by {@code byRelay}. */
  private static final class RelayState {
    final InetSocketAddress address;
    final CompletableFuture<Registration> registered = new CompletableFuture<>();
    byte[] token;
    Registration registration;

    /** Nonces of the registrations sent and not answered yet, oldest first. */
    final java.util.Set<ByteBuffer> asked = new java.util.LinkedHashSet<>();

    RelayState(InetSocketAddress address) {
      this.address = address;
    }
  }
}
