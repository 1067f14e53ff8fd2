package network.mysterium.service.wireguard;

import static network.mysterium.service.wireguard.WireGuardSpec.COOKIE_LIFETIME;
import static network.mysterium.service.wireguard.WireGuardSpec.INITIATION_INTERVAL;
import static network.mysterium.service.wireguard.WireGuardSpec.KEEPALIVE_TIMEOUT;
import static network.mysterium.service.wireguard.WireGuardSpec.REJECT_AFTER_TIME;
import static network.mysterium.service.wireguard.WireGuardSpec.REKEY_AFTER_MESSAGES;
import static network.mysterium.service.wireguard.WireGuardSpec.REKEY_AFTER_TIME;
import static network.mysterium.service.wireguard.WireGuardSpec.REKEY_TIMEOUT;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import network.mysterium.tun.TunDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WireGuard interface: a TUN device, a UDP socket, a static key, and peers with allowed IPs.
 * Packets the system routes into the device go, sealed, to the peer whose allowed IPs hold their
 * destination (cryptokey routing); transport messages from a peer come out of the device when their
 * source is one of that peer's allowed IPs. It is initiator and responder alike, and keeps the
 * timers and limits of the WireGuard paper (section 6): rekey after time and messages, reject after
 * time, handshake retry with jitter and giving up, passive and persistent keepalives, and cookie
 * replies when under load.
 */
public final class WireGuardDevice implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WireGuardDevice.class);

  /** How the device behaves; the defaults are WireGuard's. */
  public record Options(int underLoadHandshakesPerSecond, LongSupplier clock) {
    public static Options defaults() {
      return new Options(256, System::nanoTime);
    }
  }

  private final TunDevice tun;
  private final DatagramChannel udp;
  private final byte[] privateKey;
  private final byte[] publicKey;
  private final Responder responder;
  private final Options options;
  private final SecureRandom random = new SecureRandom();
  private final Map<ByteKey, Peer> peers = new ConcurrentHashMap<>();
  private final AllowedIps<Peer> routes = new AllowedIps<>();
  private final Keypairs keypairs = new Keypairs(random);
  private final Refusals refusals;
  private final InitiationGate gate;
  private final DeviceTimers deviceTimers;
  private final Thread outbound;
  private final Thread inbound;
  private final Thread timers;
  private final Object sendLock = new Object();
  private volatile boolean closed;

  private WireGuardDevice(TunDevice tun, DatagramChannel udp, byte[] privateKey, Options options) {
    this.tun = tun;
    this.udp = udp;
    this.privateKey = privateKey.clone();
    this.publicKey = WireGuardCrypto.publicKey(privateKey);
    this.responder = new Responder(this.privateKey);
    this.options = options;
    this.refusals = new Refusals(tun.name());
    this.gate =
        new InitiationGate(publicKey, options.underLoadHandshakesPerSecond(), random, refusals);
    this.deviceTimers = new DeviceTimers(this, keypairs, options.clock(), random);
    this.outbound = thread("out", this::outbound);
    this.inbound = thread("in", this::inbound);
    this.timers = thread("timers", () -> deviceTimers.run(() -> closed));
  }

  private Thread thread(String role, Runnable body) {
    return Thread.ofPlatform().name("wg-" + role + "-" + tun.name()).daemon().unstarted(body);
  }

  /**
   * Starts a device on a TUN device, listening for UDP at {@code listen} (port 0: any free one).
   *
   * @throws IOException when the UDP port cannot be bound
   */
  public static WireGuardDevice start(
      TunDevice tun, InetSocketAddress listen, byte[] privateKey, Options options)
      throws IOException {
    DatagramChannel udp = DatagramChannel.open();
    try {
      udp.bind(listen);
    } catch (IOException e) {
      udp.close();
      throw new IOException("cannot listen for WireGuard on " + listen + ": " + e.getMessage(), e);
    }
    WireGuardDevice device = new WireGuardDevice(tun, udp, privateKey, options);
    device.inbound.start();
    device.outbound.start();
    device.timers.start();
    return device;
  }

  public String name() {
    return tun.name();
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** A copy of the private key, for the root-only UAPI. */
  byte[] privateKey() {
    return privateKey.clone();
  }

  /** Whether {@code key} is this device's private key (compared in constant time). */
  public boolean hasPrivateKey(byte[] key) {
    return java.security.MessageDigest.isEqual(key, privateKey);
  }

  /** The bound UDP address (its port is the listen port). */
  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) udp.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("the device is closed", e);
    }
  }

  /** Adds a peer (or replaces one with the same key), routing its allowed IPs to it. */
  public Peer addPeer(
      byte[] peerPublic,
      byte[] presharedKey,
      List<IpPrefix> allowedIps,
      InetSocketAddress endpoint,
      int persistentKeepaliveSeconds,
      Peer.Traffic traffic) {
    removePeer(peerPublic);
    Peer peer =
        new Peer(
            peerPublic,
            presharedKey,
            endpoint,
            persistentKeepaliveSeconds,
            traffic,
            options.clock().getAsLong());
    peers.put(new ByteKey(peerPublic), peer);
    for (IpPrefix prefix : allowedIps) {
      routes.add(prefix, peer);
    }
    return peer;
  }

  /** Moves a peer to a new endpoint (where its next handshake and data go). */
  public void setEndpoint(Peer peer, InetSocketAddress endpoint) {
    peer.endpoint = endpoint;
  }

  public void setPersistentKeepalive(Peer peer, int seconds) {
    peer.persistentKeepaliveSeconds = seconds;
  }

  /** A new preshared key, used from the next handshake on. */
  public void setPresharedKey(Peer peer, byte[] presharedKey) {
    peer.presharedKey = presharedKey.clone();
  }

  /** Takes all of a peer's allowed IPs away (before new ones are given). */
  public void clearAllowedIps(Peer peer) {
    routes.removePeer(peer);
  }

  /** Routes one more prefix to a peer. */
  public void allow(Peer peer, IpPrefix prefix) {
    routes.add(prefix, peer);
  }

  public List<IpPrefix> allowedIps(Peer peer) {
    return routes.prefixesOf(peer);
  }

  /** Removes a peer: its routes, its sessions (keys wiped with them) and its pending handshake. */
  public void removePeer(byte[] peerPublic) {
    Peer peer = peers.remove(new ByteKey(peerPublic));
    if (peer == null) {
      return;
    }
    routes.removePeer(peer);
    synchronized (peer) {
      keypairs.drop(peer);
      peer.pending = null;
      keypairs.removePending(peer.pendingIndex);
      peer.staged.clear();
    }
  }

  /**
   * How many handshake messages were not answered for {@code reason} (hostile input is counted).
   */
  public long refused(HandshakeRefusal reason) {
    return refusals.count(reason);
  }

  /** Passes of the timer thread so far. */
  long timerPasses() {
    return deviceTimers.passes();
  }

  public Collection<Peer> peers() {
    return List.copyOf(peers.values());
  }

  public Peer peer(byte[] peerPublic) {
    return peers.get(new ByteKey(peerPublic));
  }

  /** Starts a handshake with a peer now (rather than at its first packet). */
  public void connect(Peer peer) {
    initiate(peer, false);
  }

  private void outbound() {
    ByteBuffer packet = ByteBuffer.allocateDirect(65_536);
    Cipher cipher = Session.newCipher();
    byte[] buffer = new byte[65_536 + Session.OVERHEAD + 16];
    while (!closed) {
      try {
        packet.clear();
        int n = tun.read(packet, 200);
        if (n <= 0) {
          continue;
        }
        packet.flip();
        packet.get(buffer, 16, n);
        Peer peer = routes.destinationOf(buffer, 16, n);
        if (peer == null) {
          continue; // no peer for this destination: dropped, as WireGuard does
        }
        sendData(peer, buffer, n, cipher);
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("{}: {}", tun.name(), e.getMessage());
        }
      }
    }
  }

  /** Seals and sends the packet at {@code buffer[16..16+length)}, or stages it for a handshake. */
  private void sendData(Peer peer, byte[] buffer, int length, Cipher cipher) throws IOException {
    if (length > 0 && !peer.traffic.mayPass(length)) {
      return; // over the session's bandwidth: dropped, as a slower link would
    }
    long now = options.clock().getAsLong();
    Peer.Keypair keypair = peer.current;
    if (keypair == null || now - keypair.createdNanos() >= REJECT_AFTER_TIME) {
      peer.stage(Arrays.copyOfRange(buffer, 16, 16 + length));
      if (peer.next == null) { // else: the peer's first data will confirm the session we answered
        initiate(peer, false);
      }
      return;
    }
    int messageLength = keypair.session().sealInPlace(buffer, length, cipher);
    if (messageLength < 0) {
      peer.stage(Arrays.copyOfRange(buffer, 16, 16 + length));
      initiate(peer, false);
      return;
    }
    transmit(peer, ByteBuffer.wrap(buffer, 0, messageLength));
    peer.txBytes.addAndGet(messageLength);
    if (length > 0) {
      peer.traffic.sent(length);
      peer.lastDataSent = now;
    }
    // the initiator of the current session starts the next one in time
    if (keypair.initiator()
        && (now - keypair.createdNanos() >= REKEY_AFTER_TIME
            || keypair.session().messagesSent() >= REKEY_AFTER_MESSAGES)) {
      initiate(peer, false);
    }
  }

  void sendKeepalive(Peer peer) {
    Peer.Keypair keypair = peer.current;
    if (keypair == null) {
      return;
    }
    byte[] buffer = new byte[Session.OVERHEAD];
    try {
      sendData(peer, buffer, 0, Session.newCipher());
    } catch (IOException e) {
      LOG.debug("keepalive to a peer failed: {}", e.getMessage());
    }
  }

  private void transmit(Peer peer, ByteBuffer message) throws IOException {
    InetSocketAddress endpoint = peer.endpoint;
    if (endpoint == null) {
      return;
    }
    synchronized (sendLock) {
      udp.send(message, endpoint);
    }
    peer.lastSent = options.clock().getAsLong();
  }

  /**
   * Sends a handshake initiation unless one went less than REKEY_TIMEOUT ago ({@code retry}: the
   * timer's retransmission, which keeps the attempt's start).
   */
  void initiate(Peer peer, boolean retry) {
    byte[] message;
    synchronized (peer) {
      long now = options.clock().getAsLong();
      if (peer.endpoint == null || closed) {
        return;
      }
      if (!retry && peer.pending != null && now - peer.lastInitiationSent < REKEY_TIMEOUT) {
        return;
      }
      if (peer.pending == null) {
        peer.handshakeStarted = now;
      }
      keypairs.removePending(peer.pendingIndex);
      int index = keypairs.freeIndex();
      Initiator initiator = new Initiator(privateKey, peer.publicKey, peer.presharedKey, index);
      byte[] cookie =
          peer.cookie != null && now - peer.cookieReceived < COOKIE_LIFETIME ? peer.cookie : null;
      message = initiator.initiation(random, Instant.now(), cookie);
      peer.pending = initiator;
      peer.pendingIndex = index;
      peer.lastInitiationSent = now;
      peer.lastMac1 = Arrays.copyOfRange(message, 116, 132);
      keypairs.putPending(index, peer);
    }
    try {
      transmit(peer, ByteBuffer.wrap(message));
    } catch (IOException e) {
      LOG.debug("initiation to a peer failed: {}", e.getMessage());
    }
  }

  private void inbound() {
    ByteBuffer datagram = ByteBuffer.allocateDirect(65_536);
    byte[] buffer = new byte[65_536];
    Cipher cipher = Session.newCipher();
    ByteBuffer write = ByteBuffer.allocateDirect(65_536);
    while (!closed) {
      try {
        datagram.clear();
        SocketAddress from = udp.receive(datagram);
        datagram.flip();
        int length = datagram.remaining();
        datagram.get(buffer, 0, length);
        InetSocketAddress sender = (InetSocketAddress) from;
        switch (length > 0 ? buffer[0] : 0) {
          case 1 -> handleInitiation(Arrays.copyOf(buffer, length), sender);
          case 2 -> handleResponse(Arrays.copyOf(buffer, length), sender);
          case 3 -> handleCookieReply(Arrays.copyOf(buffer, length), sender);
          case 4 -> handleData(buffer, length, sender, cipher, write);
          default -> LOG.debug("dropped a datagram of unknown type from {}", sender);
        }
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          LOG.warn("{}: {}", tun.name(), e.getMessage());
        }
      }
    }
  }

  private void handleInitiation(byte[] message, InetSocketAddress sender) throws IOException {
    if (message.length != Initiator.INITIATION_SIZE) {
      refusals.count(HandshakeRefusal.MALFORMED, sender);
      return;
    }
    long now = options.clock().getAsLong();
    switch (gate.check(message, sender, now)) {
      case DROP -> {
        return;
      }
      case COOKIE -> {
        // under load: no Diffie-Hellman for a sender that has not proven its address
        byte[] reply = gate.cookieReply(message, sender, now);
        synchronized (sendLock) {
          udp.send(ByteBuffer.wrap(reply), sender);
        }
        return;
      }
      case ANSWER -> {}
    }
    Responder.Answer answer;
    int index = keypairs.freeIndex();
    try {
      answer =
          responder.answer(
              message,
              key -> {
                Peer p = peers.get(new ByteKey(key));
                if (p == null) {
                  return null;
                }
                synchronized (p) {
                  return new Responder.KnownPeer(
                      p.lastTimestamp.clone(),
                      p.presharedKey,
                      now - p.lastInitiationConsumed < INITIATION_INTERVAL);
                }
              },
              index,
              random);
    } catch (Initiator.HandshakeException e) {
      refusals.count(e.refusal(), sender);
      return;
    }
    Peer peer = peers.get(new ByteKey(answer.peerPublic()));
    if (peer == null) {
      return;
    }
    synchronized (peer) {
      if (Arrays.compareUnsigned(answer.timestamp(), peer.lastTimestamp) <= 0) {
        refusals.count(HandshakeRefusal.REPLAY, sender); // a concurrent replay
        return;
      }
      peer.lastTimestamp = answer.timestamp();
      peer.lastInitiationConsumed = now;
      keypairs.remove(peer.next);
      Peer.Keypair keypair = new Peer.Keypair(answer.session(), peer, false, now);
      keypairs.put(index, keypair);
      peer.next = keypair; // used for sending once the initiator's first data confirms it
      peer.endpoint = sender;
      peer.lastNewKeypair = now;
      peer.lastHandshakeEpochMillis = System.currentTimeMillis();
    }
    transmit(peer, ByteBuffer.wrap(answer.response()));
  }

  private void handleResponse(byte[] message, InetSocketAddress sender) {
    if (message.length != Initiator.RESPONSE_SIZE) {
      refusals.count(HandshakeRefusal.MALFORMED, sender);
      return;
    }
    int receiver = ByteBuffer.wrap(message, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Peer peer = keypairs.pending(receiver);
    if (peer == null) {
      refusals.count(HandshakeRefusal.WRONG_HANDSHAKE, sender);
      return;
    }
    List<byte[]> flush;
    synchronized (peer) {
      if (peer.pending == null || peer.pendingIndex != receiver) {
        refusals.count(HandshakeRefusal.WRONG_HANDSHAKE, sender);
        return;
      }
      Session session;
      try {
        session = peer.pending.consume(message);
      } catch (Initiator.HandshakeException e) {
        refusals.count(e.refusal(), sender);
        return;
      }
      long now = options.clock().getAsLong();
      keypairs.removePending(receiver);
      peer.pending = null;
      Peer.Keypair keypair = new Peer.Keypair(session, peer, true, now);
      keypairs.put(receiver, keypair);
      keypairs.rotate(peer, keypair);
      peer.endpoint = sender;
      peer.lastNewKeypair = now;
      peer.lastHandshakeEpochMillis = System.currentTimeMillis();
      flush = List.copyOf(peer.staged);
      peer.staged.clear();
    }
    if (flush.isEmpty()) {
      sendKeepalive(peer); // confirms the keys to the responder
    }
    sendStaged(peer, flush, Session.newCipher());
  }

  private void sendStaged(Peer peer, List<byte[]> packets, Cipher cipher) {
    try {
      for (byte[] packet : packets) {
        byte[] buffer = new byte[packet.length + Session.OVERHEAD + 16];
        System.arraycopy(packet, 0, buffer, 16, packet.length);
        sendData(peer, buffer, packet.length, cipher);
      }
    } catch (IOException e) {
      LOG.debug("sending staged packets failed: {}", e.getMessage());
    }
  }

  private void handleCookieReply(byte[] message, InetSocketAddress sender) {
    if (message.length != Initiator.COOKIE_REPLY_SIZE) {
      refusals.count(HandshakeRefusal.MALFORMED, sender);
      return;
    }
    int receiver = ByteBuffer.wrap(message, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Peer peer = keypairs.pending(receiver);
    if (peer == null) {
      refusals.count(HandshakeRefusal.WRONG_HANDSHAKE, sender);
      return;
    }
    synchronized (peer) {
      try {
        Cookies.accept(peer, message, options.clock().getAsLong());
      } catch (AEADBadTagException e) {
        refusals.count(HandshakeRefusal.NOT_AUTHENTIC, sender);
      }
    }
  }

  private void handleData(
      byte[] buffer, int length, InetSocketAddress sender, Cipher cipher, ByteBuffer write)
      throws IOException {
    if (length < Session.OVERHEAD) {
      return;
    }
    int receiver = ByteBuffer.wrap(buffer, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Peer.Keypair keypair = keypairs.byIndex(receiver);
    long now = options.clock().getAsLong();
    if (keypair == null || now - keypair.createdNanos() >= REJECT_AFTER_TIME) {
      return;
    }
    int opened;
    try {
      opened = keypair.session().openInPlace(buffer, length, cipher);
    } catch (AEADBadTagException e) {
      LOG.debug("dropped a transport message from {}: {}", sender, e.getMessage());
      return;
    }
    Peer peer = keypair.peer();
    if (peer.next == keypair) {
      List<byte[]> flush = List.of();
      synchronized (peer) {
        if (peer.next == keypair) {
          peer.next = null;
          keypairs.rotate(peer, keypair);
          flush = List.copyOf(peer.staged);
          peer.staged.clear();
        }
      }
      sendStaged(peer, flush, cipher);
    }
    peer.endpoint = sender; // roaming: answer where the authenticated message came from
    peer.lastReceived = now;
    peer.rxBytes.addAndGet(length);
    if (keypair.initiator()
        && now - keypair.createdNanos() >= REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT) {
      initiate(peer, false);
    }
    if (opened == 0) {
      return; // a keepalive
    }
    int ipLength = IpPrefix.packetLength(buffer, 16, opened);
    if (ipLength == 0 || routes.sourceOf(buffer, 16, ipLength) != peer) {
      LOG.debug("dropped a packet from a source not allowed for its peer");
      return;
    }
    peer.lastDataReceived = now;
    if (!peer.traffic.mayEnter(ipLength)) {
      return; // over the session's bandwidth: dropped, as a slower link would
    }
    peer.traffic.received(ipLength);
    write.clear();
    write.put(buffer, 16, ipLength).flip();
    tun.write(write);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    udp.close();
    timers.interrupt();
    try {
      outbound.join(2000);
      inbound.join(2000);
      timers.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    peers.values().forEach(peer -> removePeer(peer.publicKey));
    Arrays.fill(privateKey, (byte) 0);
  }
}
