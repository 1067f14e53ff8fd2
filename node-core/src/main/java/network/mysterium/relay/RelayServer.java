package network.mysterium.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.InvalidSignatureException;
import network.mysterium.crypto.Signature;
import network.mysterium.service.TokenBucket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay (whitepaper 6.6, "relay over p2p overlay"): for a node that cannot be reached directly
 * (behind a NAT) it holds an allocation, a UDP port of its own on the relay's public address, that
 * the node lists among its contacts. What comes to the allocation is sent to the node inside a FROM
 * frame, over the path the node keeps open with its registration's keepalives; what the node sends
 * in a TO frame leaves from the allocation, but only to an address that sent to the allocation
 * lately (so the relay reflects nothing at strangers). The relay sees only the datagrams: sealed
 * envelopes and WireGuard packets, encrypted end to end.
 *
 * <p>What any one peer can make it do is bounded: a registration costs one signature recovery and
 * is rate-limited per source address; an identity holds a few allocations, the relay a fixed
 * number; each allocation's bytes (both ways) go through a token bucket and its return paths are
 * bounded. One platform thread serves every socket, never blocking: a full socket buffer drops.
 */
public final class RelayServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);
  private static final int MAX_DATAGRAM = 65_507;

  /** Who may hold an allocation (e.g. registered on chain and not defaulted). */
  @FunctionalInterface
  public interface Admission {
    boolean admits(Address identity);
  }

  /** What the relay gives, in all and to any one identity. */
  public record Limits(
      int allocations,
      int allocationsPerIdentity,
      int peersPerAllocation,
      long bytesPerSecond,
      Duration registrationLifetime,
      Duration permissionLifetime,
      Duration clockSkew,
      double registrationsPerSecondPerSource) {
    public static final Limits DEFAULT =
        new Limits(
            1024,
            4,
            256,
            12_500_000,
            Duration.ofSeconds(60),
            Duration.ofSeconds(120),
            Duration.ofSeconds(60),
            2);
  }

  private final DatagramChannel control;
  private final InetSocketAddress publicAddress;
  private final InetAddress allocationAddress;
  private final Selector selector;
  private final Admission admission;
  private final Limits limits;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<ByteBuffer, Allocation> byToken = new HashMap<>();
  private final Map<InetAddress, TokenBucket> registrationRates;
  private final Map<ByteBuffer, Long> seenNonces;
  private final Map<RelayRefusal, LongAdder> refusals = new EnumMap<>(RelayRefusal.class);
  private final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);

  /** What the verifiers decided, for the relay's thread to carry out. */
  private final java.util.Queue<IoAction> decided =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Signature recoveries and admissions: one worker, a short queue (a flood waits for nothing). */
  private final java.util.concurrent.ThreadPoolExecutor verifiers =
      new java.util.concurrent.ThreadPoolExecutor(
          1,
          1,
          0,
          java.util.concurrent.TimeUnit.SECONDS,
          new java.util.concurrent.ArrayBlockingQueue<>(64),
          Thread.ofPlatform().name("relay-verifier").daemon().factory());

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  private final Thread loop;
  private volatile int allocationCount;

  private RelayServer(
      DatagramChannel control,
      InetSocketAddress publicAddress,
      InetAddress allocationAddress,
      Selector selector,
      Admission admission,
      Limits limits,
      Clock clock) {
    this.control = control;
    this.publicAddress = publicAddress;
    this.allocationAddress = allocationAddress;
    this.selector = selector;
    this.admission = admission;
    this.limits = limits;
    this.clock = clock;
    for (RelayRefusal r : RelayRefusal.values()) {
      refusals.put(r, new LongAdder());
    }
    registrationRates = bounded(4096);
    seenNonces = bounded(65_536);
    loop =
        Thread.ofPlatform().name("relay-" + publicAddress.getPort()).daemon().unstarted(this::run);
  }

  private static <K, V> Map<K, V> bounded(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }

  /**
   * Starts a relay whose control port is bound to {@code bind} and that nodes know as {@code
   * publicAddress} (the address their registrations name); allocations are opened on the public
   * address's IP.
   */
  public static RelayServer start(
      InetSocketAddress bind, InetSocketAddress publicAddress, Admission admission, Limits limits)
      throws IOException {
    DatagramChannel control = DatagramChannel.open();
    Selector selector = Selector.open();
    try {
      control.bind(bind);
      control.configureBlocking(false);
      control.register(selector, SelectionKey.OP_READ);
      InetSocketAddress bound = (InetSocketAddress) control.getLocalAddress();
      InetSocketAddress known =
          publicAddress.getPort() == 0
              ? new InetSocketAddress(publicAddress.getAddress(), bound.getPort())
              : publicAddress;
      RelayServer server =
          new RelayServer(
              control,
              known,
              publicAddress.getAddress(),
              selector,
              admission,
              limits,
              Clock.systemUTC());
      server.loop.start();
      return server;
    } catch (IOException | RuntimeException e) {
      control.close();
      selector.close();
      throw e;
    }
  }

  /** Where nodes register: the address their registrations must name. */
  public InetSocketAddress address() {
    return publicAddress;
  }

  /** Allocations held now. */
  public int allocations() {
    return allocationCount;
  }

  public long refused(RelayRefusal reason) {
    return refusals.get(reason).sum();
  }

  private void run() {
    long lastSweep = System.nanoTime();
    while (control.isOpen()) {
      try {
        selector.select(1000);
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.attachment() instanceof Allocation allocation) {
            drainAllocation(allocation);
          } else {
            drainControl();
          }
        }
        selector.selectedKeys().clear();
        for (IoAction action = decided.poll(); action != null; action = decided.poll()) {
          action.run();
        }
        long now = System.nanoTime();
        if (now - lastSweep > 1_000_000_000L) {
          sweep(now);
          lastSweep = now;
        }
      } catch (ClosedSelectorException | ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("relay {}: {}", publicAddress, e.toString());
      }
    }
  }

  private void drainControl() throws IOException {
    InetSocketAddress from;
    while ((from = (InetSocketAddress) control.receive(buffer.clear())) != null) {
      buffer.flip();
      try {
        onControl(buffer, from);
      } catch (BufferUnderflowException | IllegalArgumentException e) {
        refuse(RelayRefusal.MALFORMED, from);
      }
    }
  }

  private void onControl(ByteBuffer frame, InetSocketAddress from) throws IOException {
    if (!frame.hasRemaining()) {
      refuse(RelayRefusal.MALFORMED, from);
      return;
    }
    byte op = frame.get();
    switch (op) {
      case RelayFrames.REGISTER -> register(frame, from);
      case RelayFrames.KEEPALIVE -> {
        Allocation a = byToken(frame, from);
        if (a != null) {
          a.node = from; // the node's NAT may have given it a new port: the token says who it is
          a.lastSeen = System.nanoTime();
          reply(from, RelayFrames.ALIVE, RelayFrames.address(from));
        }
      }
      case RelayFrames.TO -> {
        Allocation a = byToken(frame, from);
        if (a == null) {
          return;
        }
        InetSocketAddress target = RelayFrames.getAddress(frame);
        Long permitted = a.peers.get(target);
        if (permitted == null
            || System.nanoTime() - permitted > limits.permissionLifetime().toNanos()) {
          refuse(RelayRefusal.NO_PERMISSION, from);
          return;
        }
        if (!a.rate.tryTake(frame.remaining())) {
          refuse(RelayRefusal.OVER_RATE, from);
          return;
        }
        a.node = from;
        a.channel.send(frame, target); // non-blocking: a full buffer drops, as a link would
      }
      default -> refuse(RelayRefusal.MALFORMED, from);
    }
  }

  /** Cheap checks first (size, time, nonce, rate), then the one signature recovery. */
  private void register(ByteBuffer frame, InetSocketAddress from) throws IOException {
    if (frame.remaining() != RelayFrames.REGISTER_BYTES - 1) {
      refuse(RelayRefusal.MALFORMED, from);
      return;
    }
    byte[] identityBytes = new byte[Address.LENGTH];
    frame.get(identityBytes);
    long time = frame.getLong();
    byte[] nonce = new byte[RelayFrames.NONCE_BYTES];
    frame.get(nonce);
    byte[] signature = new byte[RelayFrames.SIGNATURE_BYTES];
    frame.get(signature);
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - time) > limits.clockSkew().toSeconds()
        || seenNonces.containsKey(ByteBuffer.wrap(nonce))) {
      refuse(RelayRefusal.STALE_REGISTRATION, from);
      return;
    }
    // the rate bounds signature recoveries: only a fresh registration is charged
    TokenBucket rate =
        registrationRates.computeIfAbsent(
            from.getAddress(),
            ip ->
                // in thousandths of a registration: a burst of five, then the rate
                new TokenBucket(
                    Math.max(1, (long) (limits.registrationsPerSecondPerSource() * 1000)),
                    5_000,
                    System::nanoTime));
    if (!rate.tryTake(1000)) {
      refuse(RelayRefusal.REGISTRATION_RATE, from);
      return;
    }
    Address identity = Address.of(identityBytes);
    try {
      // the signature and the admission (a database lookup) run off this thread, which serves
      // every datagram; what they decide comes back here, where the allocations live
      verifiers.execute(() -> verify(identity, time, nonce, signature, from));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      refuse(RelayRefusal.BUSY, from);
    }
  }

  private void verify(
      Address identity, long time, byte[] nonce, byte[] signature, InetSocketAddress from) {
    try {
      Address signer =
          Signature.parse(signature)
              .recoverAddress(RelayFrames.registrationDigest(publicAddress, identity, time, nonce));
      if (!signer.equals(identity)) {
        refuse(RelayRefusal.BAD_SIGNATURE, from);
        return;
      }
    } catch (InvalidSignatureException | IllegalArgumentException e) {
      refuse(RelayRefusal.BAD_SIGNATURE, from);
      return;
    }
    boolean admitted;
    try {
      admitted = admission.admits(identity);
    } catch (RuntimeException e) {
      LOG.debug("relay {}: admission of {} failed: {}", publicAddress, identity, e.toString());
      admitted = false;
    }
    if (!admitted) {
      refuse(RelayRefusal.NOT_ADMITTED, from);
      return;
    }
    decided.add(() -> allocate(identity, nonce, from));
    selector.wakeup();
  }

  /** On the relay's thread: a verified, admitted registration gets its allocation. */
  private void allocate(Address identity, byte[] nonce, InetSocketAddress from) throws IOException {
    if (seenNonces.putIfAbsent(ByteBuffer.wrap(nonce), System.nanoTime()) != null) {
      refuse(RelayRefusal.STALE_REGISTRATION, from); // a replay verified at the same time
      return;
    }
    Allocation allocation = allocationFor(identity, from);
    if (allocation == null) {
      refuse(RelayRefusal.FULL, from);
      return;
    }
    ByteBuffer reply =
        ByteBuffer.allocate(RelayFrames.TOKEN_BYTES + 2 + RelayFrames.ADDRESS_BYTES)
            .put(allocation.token)
            .putShort((short) allocation.port());
    RelayFrames.putAddress(reply, from);
    reply(from, RelayFrames.REGISTERED, reply.array());
  }

  /**
   * The identity's allocation from this address (a repeated registration gets the same one), or a
   * new one: an identity over its share loses its oldest (it proved it is that identity).
   */
  private Allocation allocationFor(Address identity, InetSocketAddress from) throws IOException {
    List<Allocation> own = new ArrayList<>();
    for (Allocation a : byToken.values()) {
      if (a.identity.equals(identity)) {
        if (a.node.equals(from)) {
          a.lastSeen = System.nanoTime();
          return a;
        }
        own.add(a);
      }
    }
    if (own.size() >= limits.allocationsPerIdentity()) {
      own.stream().min(java.util.Comparator.comparingLong(a -> a.lastSeen)).ifPresent(this::drop);
    } else if (byToken.size() >= limits.allocations()) {
      return null;
    }
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.bind(new InetSocketAddress(allocationAddress, 0));
      channel.configureBlocking(false);
      byte[] token = new byte[RelayFrames.TOKEN_BYTES];
      random.nextBytes(token);
      Allocation a =
          new Allocation(
              identity,
              token,
              channel,
              from,
              new TokenBucket(
                  limits.bytesPerSecond(),
                  Math.max(65_536, limits.bytesPerSecond() / 4),
                  System::nanoTime),
              bounded(limits.peersPerAllocation()));
      channel.register(selector, SelectionKey.OP_READ, a);
      byToken.put(ByteBuffer.wrap(token), a);
      allocationCount = byToken.size();
      LOG.info("relay {}: {} holds port {} (from {})", publicAddress, identity, a.port(), from);
      return a;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** A datagram came to an allocation from anyone: it goes to the node, and may be answered. */
  private void drainAllocation(Allocation a) throws IOException {
    InetSocketAddress from;
    ByteBuffer framed = ByteBuffer.allocate(MAX_DATAGRAM);
    while (a.channel.isOpen()
        && (from = (InetSocketAddress) a.channel.receive(buffer.clear())) != null) {
      buffer.flip();
      if (buffer.remaining() > MAX_DATAGRAM - RelayFrames.FROM_HEADER_BYTES) {
        refuse(RelayRefusal.MALFORMED, from);
        continue;
      }
      if (!a.rate.tryTake(buffer.remaining())) {
        refuse(RelayRefusal.OVER_RATE, from);
        continue;
      }
      a.peers.put(from, System.nanoTime());
      framed.clear().put(RelayFrames.FROM);
      RelayFrames.putAddress(framed, from);
      framed.put(buffer).flip();
      control.send(framed, a.node);
    }
  }

  private Allocation byToken(ByteBuffer frame, InetSocketAddress from) {
    byte[] token = new byte[RelayFrames.TOKEN_BYTES];
    frame.get(token);
    Allocation a = byToken.get(ByteBuffer.wrap(token));
    // the map's lookup compares the whole token; a second, constant-time check costs nothing
    if (a == null || !MessageDigest.isEqual(a.token, token)) {
      refuse(RelayRefusal.UNKNOWN_TOKEN, from);
      try {
        reply(from, RelayFrames.REFUSED, new byte[] {(byte) RelayRefusal.UNKNOWN_TOKEN.ordinal()});
      } catch (IOException e) {
        LOG.debug("relay {}: {}", publicAddress, e.toString());
      }
      return null;
    }
    return a;
  }

  private void reply(InetSocketAddress to, byte op, byte[] body) throws IOException {
    control.send(ByteBuffer.allocate(1 + body.length).put(op).put(body).flip(), to);
  }

  /** Allocations whose node stopped its keepalives go, with their port. */
  private void sweep(long now) {
    long lifetime = limits.registrationLifetime().toNanos();
    for (Allocation a : List.copyOf(byToken.values())) {
      if (now - a.lastSeen > lifetime) {
        LOG.info("relay {}: {} let port {} expire", publicAddress, a.identity, a.port());
        drop(a);
      }
    }
  }

  private void drop(Allocation a) {
    byToken.remove(ByteBuffer.wrap(a.token));
    allocationCount = byToken.size();
    try {
      a.channel.close();
    } catch (IOException e) {
      LOG.debug("relay {}: {}", publicAddress, e.toString());
    }
  }

  private void refuse(RelayRefusal reason, InetSocketAddress from) {
    LongAdder count = refusals.get(reason);
    count.increment();
    if (count.sum() == 1) {
      LOG.warn(
          "relay {}: refused {} from {} (logged once per reason)", publicAddress, reason, from);
    }
  }

  @Override
  public void close() {
    verifiers.shutdownNow();
    try {
      control.close();
    } catch (IOException e) {
      LOG.debug("relay {}: {}", publicAddress, e.toString());
    }
    selector.wakeup();
    try {
      loop.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Allocation a : List.copyOf(byToken.values())) {
      drop(a);
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.debug("relay {}: {}", publicAddress, e.toString());
    }
  }

  /** One node's port on the relay. Touched by the relay's thread only. */
  private static final class Allocation {
    final Address identity;
    final byte[] token;
    final DatagramChannel channel;
    final TokenBucket rate;
    final Map<InetSocketAddress, Long> peers;
    InetSocketAddress node;
    long lastSeen = System.nanoTime();

    Allocation(
        Address identity,
        byte[] token,
        DatagramChannel channel,
        InetSocketAddress node,
        TokenBucket rate,
        Map<InetSocketAddress, Long> peers) {
      this.identity = identity;
      this.token = token;
      this.channel = channel;
      this.node = node;
      this.rate = rate;
      this.peers = peers;
    }

    int port() {
      return channel.socket().getLocalPort();
    }
  }
}
