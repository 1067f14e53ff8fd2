package network.mysterium.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import network.mysterium.crypto.Address;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Contact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hole punching (whitepaper 6.6: a direct channel where a relay carried the dialogue first). A node
 * behind a NAT learns from its relay the address its router maps it to; when a peer's signed
 * message reaches it through the relay, it sends that peer, through the relay, a PUNCH naming that
 * address, and at the same moment probes the address the relay saw the peer at. The peer answers
 * each PUNCH with one probe to the named address. Each side's outgoing probe opens its own router
 * for the other's; whichever probe gets through is answered, and the side that hears a probe or an
 * answer of the punch's nonce from the host the punch names tells its dialogue to move there. The
 * dialogue then sends its signed messages on the direct path, the peer's dialogue follows the new
 * authenticated source, and a moved path that goes quiet falls back to the relay.
 *
 * <p>Nothing here is trusted on its own: a PUNCH is taken only from a contact an identity has
 * authenticated from lately (the {@link Channel#authenticated} hook), never for a target narrower
 * in scope than that contact, at most {@link #PUNCHES_PER_MINUTE} per identity; a node sends at
 * most one probe per PUNCH and one answer per probe, so it never sends more than it is sent; every
 * table is bounded.
 */
public final class PunchingChannel implements Channel {
  public static final int PUNCHES_PER_MINUTE = 8;
  private static final Logger LOG = LoggerFactory.getLogger(PunchingChannel.class);
  // the first round waits a little: the peer takes a PUNCH only once it heard the signed answer
  // that the relayed message which began the punch is getting
  private static final long[] ROUNDS_MILLIS = {50, 150, 300, 600, 1200, 2400, 4000};
  private static final long PUNCH_LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long REPUNCH_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final int MAX_ENTRIES = 4096;

  /** Told when a peer's identity answered a punch at a direct address. */
  @FunctionalInterface
  public interface PathListener {
    void direct(Address peer, Contact path);
  }

  /** Punches this node began and how many found a direct path; paths it found answering. */
  public record Stats(long tried, long punched, long answered) {}

  private final Channel inner;
  private final Supplier<Optional<InetSocketAddress>> mapped;
  private final SecureRandom random = new SecureRandom();
  private final Map<Contact, Address> authenticatedBy = bounded();
  private final Map<ByteBuffer, Punch> punches = bounded();
  private final Map<Address, Long> lastPunched = bounded();
  private final Map<Address, Deque<Long>> taken = bounded();
  private final Map<PunchRefusal, LongAdder> refusals = new EnumMap<>(PunchRefusal.class);
  private final LongAdder tried = new LongAdder();
  private final LongAdder punched = new LongAdder();
  private final LongAdder answered = new LongAdder();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("punch-rounds").daemon().factory());
  private volatile PathListener listener = (peer, path) -> {};

  /**
   * @param mapped where this node's router maps it, as its relay sees it (empty for a node that has
   *     no relay: it answers punches but begins none)
   */
  public PunchingChannel(Channel inner, Supplier<Optional<InetSocketAddress>> mapped) {
    this.inner = inner;
    this.mapped = mapped;
    for (PunchRefusal reason : PunchRefusal.values()) {
      refusals.put(reason, new LongAdder());
    }
  }

  /** Where confirmed paths go: the node's dialogues. */
  public void onDirectPath(PathListener listener) {
    this.listener = listener;
  }

  public Stats stats() {
    return new Stats(tried.sum(), punched.sum(), answered.sum());
  }

  public long refused(PunchRefusal reason) {
    return refusals.get(reason).sum();
  }

  @Override
  public Contact localContact() {
    return inner.localContact();
  }

  @Override
  public void start(Receiver receiver) {
    inner.start(
        (datagram, from) -> {
          if (PunchFrames.isFrame(datagram)) {
            receive(ByteBuffer.wrap(datagram), from);
          } else {
            receiver.receive(datagram, from);
          }
        });
  }

  @Override
  public void send(Contact to, byte[] datagram) throws IOException {
    inner.send(to, datagram);
  }

  @Override
  public void authenticated(Contact from, Address sender) {
    inner.authenticated(from, sender);
    synchronized (this) {
      authenticatedBy.put(from, sender);
    }
    if (!from.type().equals(Contact.RELAYED) || !due(sender)) {
      return; // a direct peer, or one punched lately: nothing to do on each message
    }
    mapped.get().ifPresent(own -> begin(sender, from, own));
  }

  private synchronized boolean due(Address peer) {
    long now = System.nanoTime();
    Long last = lastPunched.get(peer);
    if (last != null && now - last < REPUNCH_NANOS) {
      return false;
    }
    lastPunched.put(peer, now);
    return true;
  }

  /** This side's punch: rounds of a PUNCH through the relay and a probe straight to the peer. */
  private void begin(Address peer, Contact relayed, InetSocketAddress own) {
    byte[] nonce = new byte[PunchFrames.NONCE_BYTES];
    random.nextBytes(nonce);
    Punch punch = new Punch(peer, relayed.address(), true);
    synchronized (this) {
      punches.put(ByteBuffer.wrap(nonce), punch);
    }
    tried.increment();
    byte[] request = PunchFrames.punch(nonce, own);
    byte[] probe = PunchFrames.probe(PunchFrames.PROBE, nonce);
    for (long delay : ROUNDS_MILLIS) {
      timer.schedule(
          () -> {
            if (punch.confirmed || punch.expired(System.nanoTime())) {
              return;
            }
            try {
              inner.send(relayed, request);
              inner.send(new Contact("udp", relayed.address()), probe);
            } catch (IOException | RuntimeException e) {
              LOG.debug("punch round to {}: {}", peer, e.toString());
            }
          },
          delay,
          TimeUnit.MILLISECONDS);
    }
  }

  private void receive(ByteBuffer frame, Contact from) {
    try {
      byte op = frame.get();
      byte[] nonce = new byte[PunchFrames.NONCE_BYTES];
      frame.get(nonce);
      switch (op) {
        case PunchFrames.PUNCH -> punched(nonce, RelayFrames.getAddress(frame), from);
        case PunchFrames.PROBE, PunchFrames.ANSWER -> probed(op, nonce, from);
        default -> refuse(PunchRefusal.MALFORMED, from);
      }
    } catch (java.nio.BufferUnderflowException e) {
      refuse(PunchRefusal.MALFORMED, from);
    }
  }

  /** The peer's PUNCH: one probe to where it says its router maps it. */
  private void punched(byte[] nonce, InetSocketAddress target, Contact from) {
    Address peer;
    Punch punch;
    synchronized (this) {
      peer = authenticatedBy.get(from);
      if (peer == null) {
        refuse(PunchRefusal.UNAUTHENTICATED_SOURCE, from);
        return;
      }
      int scope = PunchFrames.scope(target.getAddress());
      if (scope < 0 || scope < PunchFrames.scope(from.address().getAddress())) {
        refuse(PunchRefusal.NARROWER_SCOPE, from);
        return;
      }
      ByteBuffer key = ByteBuffer.wrap(nonce);
      punch = punches.get(key);
      if (punch == null) {
        if (!admit(peer)) {
          refuse(PunchRefusal.RATE_LIMITED, from);
          return;
        }
        punch = new Punch(peer, target, false);
        punches.put(key, punch);
      } else if (punch.initiator || !punch.peer.equals(peer) || !punch.at.equals(target)) {
        refuse(PunchRefusal.WRONG_SOURCE, from);
        return;
      }
    }
    if (!punch.confirmed) {
      sendQuietly(new Contact("udp", target), PunchFrames.probe(PunchFrames.PROBE, nonce));
    }
  }

  /** At most {@link #PUNCHES_PER_MINUTE} punches taken from one identity. */
  private boolean admit(Address peer) {
    long now = System.nanoTime();
    Deque<Long> times = taken.computeIfAbsent(peer, p -> new ArrayDeque<>());
    while (!times.isEmpty() && now - times.peekFirst() > TimeUnit.MINUTES.toNanos(1)) {
      times.removeFirst();
    }
    if (times.size() >= PUNCHES_PER_MINUTE) {
      return false;
    }
    times.addLast(now);
    return true;
  }

  /** A probe (answered) or an answer: either proves the path from the punch's host. */
  private void probed(byte op, byte[] nonce, Contact from) {
    if (!from.type().equals("udp")) {
      refuse(PunchRefusal.WRONG_SOURCE, from); // probes come straight, never through a relay
      return;
    }
    Punch punch;
    synchronized (this) {
      punch = punches.get(ByteBuffer.wrap(nonce));
    }
    if (punch == null || punch.expired(System.nanoTime())) {
      refuse(PunchRefusal.UNKNOWN_NONCE, from);
      return;
    }
    // the port may differ (a symmetric router maps each destination anew); the host may not
    if (!punch.at.getAddress().equals(from.address().getAddress())) {
      refuse(PunchRefusal.WRONG_SOURCE, from);
      return;
    }
    if (op == PunchFrames.PROBE) {
      sendQuietly(from, PunchFrames.probe(PunchFrames.ANSWER, nonce));
    }
    boolean first;
    synchronized (punch) {
      first = !punch.confirmed;
      punch.confirmed = true;
    }
    if (first) {
      (punch.initiator ? punched : answered).increment();
      LOG.info("punched a direct path to {} at {}", punch.peer, from);
      timer.execute(() -> listener.direct(punch.peer, from));
    }
  }

  private void sendQuietly(Contact to, byte[] frame) {
    try {
      inner.send(to, frame);
    } catch (IOException | RuntimeException e) {
      LOG.debug("punch frame to {}: {}", to, e.toString());
    }
  }

  private void refuse(PunchRefusal reason, Contact from) {
    long before = refusals.get(reason).sum();
    refusals.get(reason).increment();
    if (before == 0) {
      LOG.info("refused a punch frame from {}: {} (counted from now on)", from, reason);
    } else {
      LOG.debug("refused a punch frame from {}: {}", from, reason);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    inner.close();
  }

  private static <K, V> Map<K, V> bounded() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }

  /** One punch under way: with whom, and the host (and port) its probes go to. */
  private static final class Punch {
    final Address peer;
    final InetSocketAddress at;
    final boolean initiator;
    final long started = System.nanoTime();
    volatile boolean confirmed;

    Punch(Address peer, InetSocketAddress at, boolean initiator) {
      this.peer = peer;
      this.at = at;
      this.initiator = initiator;
    }

    boolean expired(long now) {
      return now - started > PUNCH_LIFETIME_NANOS;
    }
  }
}
