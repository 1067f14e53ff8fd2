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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import network.mysterium.crypto.Address;
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
 * Registrations are checked in {@link RelayRegistrations}; an allocation's TCP port, whose
 * connections are spliced to ones its node dials back, in {@link RelayTcp}.
 */
public final class RelayServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);
  private static final int MAX_DATAGRAM = 65_507;

  /** What a datagram costs beyond its bytes: the rate bounds packets as well as bytes. */
  private static final int PACKET_COST = 64;

  /** Datagrams read from one socket before the others get their turn. */
  private static final int PER_WAKEUP = 64;

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
  private final Limits limits;
  private final SecureRandom random = new SecureRandom();
  private final Map<ByteBuffer, RelayAllocation> byToken = new HashMap<>();
  private final RelayRegistrations registrations;
  private final RelayRefusals refusals;
  private final RelayTcp tcp;
  private final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
  private final ByteBuffer framed = ByteBuffer.allocate(MAX_DATAGRAM);

  /** What the verifiers decided, for the relay's thread to carry out. */
  private final java.util.Queue<IoAction> decided =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

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
      RelayRefusals refusals,
      RelayTcp tcp) {
    this.control = control;
    this.publicAddress = publicAddress;
    this.allocationAddress = allocationAddress;
    this.selector = selector;
    this.limits = limits;
    this.refusals = refusals;
    this.tcp = tcp;
    this.registrations =
        new RelayRegistrations(
            publicAddress,
            admission,
            limits,
            refusals,
            (identity, nonce, from) -> {
              decided.add(() -> allocate(identity, nonce, from));
              selector.wakeup();
            });
    loop =
        Thread.ofPlatform().name("relay-" + publicAddress.getPort()).daemon().unstarted(this::run);
  }

  /**
   * Starts a relay whose control port is bound to {@code bind} and that nodes know as {@code
   * publicAddress} (the address their registrations name); allocations are opened on the public
   * address's IP.
   */
  public static RelayServer start(
      InetSocketAddress bind, InetSocketAddress publicAddress, Admission admission, Limits limits)
      throws IOException {
    return start(bind, publicAddress, admission, limits, RelayTcp.Limits.DEFAULT);
  }

  /**
   * As above, with {@code tcpLimits} for splices; nodes dial back to the control port's number by
   * TCP (another when it is taken: the DIAL frame says which).
   */
  public static RelayServer start(
      InetSocketAddress bind,
      InetSocketAddress publicAddress,
      Admission admission,
      Limits limits,
      RelayTcp.Limits tcpLimits)
      throws IOException {
    DatagramChannel control = DatagramChannel.open();
    Selector selector = Selector.open();
    RelayTcp tcp = null;
    try {
      control.bind(bind);
      control.configureBlocking(false);
      control.register(selector, SelectionKey.OP_READ);
      InetSocketAddress bound = (InetSocketAddress) control.getLocalAddress();
      InetSocketAddress known =
          publicAddress.getPort() == 0
              ? new InetSocketAddress(publicAddress.getAddress(), bound.getPort())
              : publicAddress;
      RelayRefusals refusals = new RelayRefusals(known);
      tcp = RelayTcp.open(bound, tcpLimits, refusals);
      RelayServer server =
          new RelayServer(
              control,
              known,
              publicAddress.getAddress(),
              selector,
              admission,
              limits,
              refusals,
              tcp);
      server.loop.start();
      return server;
    } catch (IOException | RuntimeException e) {
      if (tcp != null) {
        tcp.close();
      }
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
    return refusals.count(reason);
  }

  /** Where nodes dial back by TCP (on the relay's address). */
  int dialBackPort() {
    return tcp.dialBackPort();
  }

  /** TCP splices under way or waiting for their node's dial-back. */
  public int splices() {
    return tcp.splicesHeld();
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
          if (key.attachment() instanceof RelayAllocation allocation) {
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
    for (int n = 0;
        n < PER_WAKEUP && (from = (InetSocketAddress) control.receive(buffer.clear())) != null;
        n++) {
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
      case RelayFrames.REGISTER -> registrations.register(frame, from);
      case RelayFrames.KEEPALIVE -> {
        RelayAllocation a = byToken(frame, from);
        if (a != null) {
          // the first keepalive from the registering address confirms it received the token:
          // until then nothing is forwarded to that address (a forged-source REGISTER opens
          // nothing), and no frame ever moves an allocation to another address
          a.confirmed = true;
          a.lastSeen = System.nanoTime();
          a.in.tryTake(PACKET_COST); // charged, never refused: the node's own heartbeat
          reply(from, RelayFrames.ALIVE, echo(RelayFrames.address(from), a.token));
        }
      }
      case RelayFrames.TO -> {
        RelayAllocation a = byToken(frame, from);
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
        if (!frame.hasRemaining() || !a.out.tryTake(frame.remaining() + PACKET_COST)) {
          refuse(RelayRefusal.OVER_RATE, from);
          return;
        }
        a.channel.send(frame, target); // non-blocking: a full buffer drops, as a link would
      }
      default -> refuse(RelayRefusal.MALFORMED, from);
    }
  }

  /** On the relay's thread: a verified, admitted registration gets its allocation. */
  private void allocate(Address identity, byte[] nonce, InetSocketAddress from) throws IOException {
    if (!registrations.firstUse(nonce)) {
      refuse(RelayRefusal.STALE_REGISTRATION, from); // a replay verified at the same time
      return;
    }
    RelayAllocation allocation = allocationFor(identity, from);
    if (allocation == null) {
      refuse(RelayRefusal.FULL, from);
      return;
    }
    ByteBuffer reply =
        ByteBuffer.allocate(
                RelayFrames.TOKEN_BYTES
                    + 2
                    + RelayFrames.ADDRESS_BYTES
                    + RelayFrames.NONCE_BYTES
                    + 2)
            .put(allocation.token)
            .putShort((short) allocation.port());
    RelayFrames.putAddress(reply, from);
    reply.put(nonce); // the node takes only the answer to a registration it sent
    reply.putShort((short) allocation.splicePort());
    reply(from, RelayFrames.REGISTERED, reply.array());
  }

  /**
   * The identity's allocation from this address (a repeated registration gets the same one), or a
   * new one within the identity's share; null when there is no room.
   */
  private RelayAllocation allocationFor(Address identity, InetSocketAddress from)
      throws IOException {
    List<RelayAllocation> own = new ArrayList<>();
    for (RelayAllocation a : byToken.values()) {
      if (a.identity.equals(identity)) {
        if (a.node.equals(from)) {
          a.lastSeen = System.nanoTime();
          return a;
        }
        own.add(a);
      }
    }
    if (own.size() >= limits.allocationsPerIdentity()) {
      // a registration never evicts a live allocation (it may be a copy sent from elsewhere):
      // only one its node never confirmed; otherwise the identity waits for one to expire
      java.util.Optional<RelayAllocation> unconfirmed =
          own.stream()
              .filter(a -> !a.confirmed)
              .min(java.util.Comparator.comparingLong(a -> a.lastSeen));
      if (unconfirmed.isEmpty()) {
        return null;
      }
      drop(unconfirmed.get());
    } else if (byToken.size() >= limits.allocations()) {
      return null;
    }
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.bind(new InetSocketAddress(allocationAddress, 0));
      channel.configureBlocking(false);
      byte[] token = new byte[RelayFrames.TOKEN_BYTES];
      random.nextBytes(token);
      RelayAllocation a =
          new RelayAllocation(
              identity,
              token,
              channel,
              from,
              limits.bytesPerSecond(),
              RelayRegistrations.bounded(limits.peersPerAllocation()));
      channel.register(selector, SelectionKey.OP_READ, a);
      a.tcp = spliceListener(a);
      byToken.put(ByteBuffer.wrap(token), a);
      allocationCount = byToken.size();
      LOG.info("relay {}: {} holds port {} (from {})", publicAddress, identity, a.port(), from);
      return a;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** The allocation's TCP port, at its UDP port's number when free; none if it cannot open. */
  private RelayTcp.Listener spliceListener(RelayAllocation a) {
    try {
      return tcp.listen(
          allocationAddress,
          a.port(),
          limits.bytesPerSecond(),
          dial -> {
            decided.add(() -> dial(a, dial));
            selector.wakeup();
          });
    } catch (IOException e) {
      LOG.warn("relay {}: no TCP port for {}: {}", publicAddress, a.identity, e.toString());
      return null;
    }
  }

  /**
   * On the relay's thread: tells the node (at the address it confirmed) to dial back for a
   * connection that came to its TCP port; a DIAL is a datagram to the node, charged as one.
   */
  private void dial(RelayAllocation a, byte[] dial) throws IOException {
    if (byToken.get(ByteBuffer.wrap(a.token)) != a || !a.confirmed) {
      refuse(RelayRefusal.UNKNOWN_TOKEN, a.node);
      tcp.cancel(dial);
      return;
    }
    if (!a.in.tryTake(PACKET_COST)) {
      refuse(RelayRefusal.OVER_RATE, a.node);
      tcp.cancel(dial);
      return;
    }
    ByteBuffer frame =
        ByteBuffer.allocate(RelayFrames.DIAL_BYTES)
            .put(RelayFrames.DIAL)
            .put(a.token)
            .put(dial)
            .putShort((short) tcp.dialBackPort());
    control.send(frame.flip(), a.node);
  }

  /**
   * Datagrams that came to an allocation from anyone go to the node, which may answer them; at most
   * {@value #PER_WAKEUP} a turn, so one flooded port cannot hold the relay's thread.
   */
  private void drainAllocation(RelayAllocation a) throws IOException {
    InetSocketAddress from;
    for (int n = 0;
        n < PER_WAKEUP
            && a.channel.isOpen()
            && (from = (InetSocketAddress) a.channel.receive(buffer.clear())) != null;
        n++) {
      buffer.flip();
      if (!buffer.hasRemaining()
          || buffer.remaining() > MAX_DATAGRAM - RelayFrames.FROM_HEADER_BYTES
          || RelayFrames.isFrame(buffer.get(buffer.position()))) {
        refuse(RelayRefusal.MALFORMED, from); // nothing, too much, or another relay's frame
        continue;
      }
      if (!a.confirmed) {
        refuse(RelayRefusal.UNKNOWN_TOKEN, from); // its node has not proved its address yet
        continue;
      }
      if (!a.in.tryTake(buffer.remaining() + PACKET_COST)) {
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

  /**
   * The allocation a token names, if the frame comes from the address that registered it (the token
   * alone is no proof: it travels in clear). Else REFUSED, echoing the token, so a node takes it
   * only for its own token (an off-path sender does not know it).
   */
  private RelayAllocation byToken(ByteBuffer frame, InetSocketAddress from) {
    byte[] token = new byte[RelayFrames.TOKEN_BYTES];
    frame.get(token);
    RelayAllocation a = byToken.get(ByteBuffer.wrap(token));
    // the map's lookup compares the whole token; a second, constant-time check costs nothing
    if (a == null || !MessageDigest.isEqual(a.token, token) || !a.node.equals(from)) {
      refuse(RelayRefusal.UNKNOWN_TOKEN, from);
      try {
        reply(
            from,
            RelayFrames.REFUSED,
            echo(new byte[] {(byte) RelayRefusal.UNKNOWN_TOKEN.ordinal()}, token));
      } catch (IOException e) {
        LOG.debug("relay {}: {}", publicAddress, e.toString());
      }
      return null;
    }
    return a;
  }

  private static byte[] echo(byte[] body, byte[] token) {
    return ByteBuffer.allocate(body.length + token.length).put(body).put(token).array();
  }

  private void reply(InetSocketAddress to, byte op, byte[] body) throws IOException {
    control.send(ByteBuffer.allocate(1 + body.length).put(op).put(body).flip(), to);
  }

  /** Allocations whose node stopped its keepalives go, with their port. */
  private void sweep(long now) {
    long lifetime = limits.registrationLifetime().toNanos();
    for (RelayAllocation a : List.copyOf(byToken.values())) {
      if (now - a.lastSeen > lifetime) {
        LOG.info("relay {}: {} let port {} expire", publicAddress, a.identity, a.port());
        drop(a);
      }
    }
  }

  private void drop(RelayAllocation a) {
    byToken.remove(ByteBuffer.wrap(a.token));
    allocationCount = byToken.size();
    if (a.tcp != null) {
      a.tcp.close();
    }
    try {
      a.channel.close();
    } catch (IOException e) {
      LOG.debug("relay {}: {}", publicAddress, e.toString());
    }
  }

  private void refuse(RelayRefusal reason, InetSocketAddress from) {
    refusals.refuse(reason, from);
  }

  @Override
  public void close() {
    registrations.close();
    tcp.close();
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
    for (RelayAllocation a : List.copyOf(byToken.values())) {
      drop(a);
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.debug("relay {}: {}", publicAddress, e.toString());
    }
  }
}
