package network.mysterium.service.wireguard;

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

  static final long SECOND = 1_000_000_000L;
  static final long REKEY_AFTER_MESSAGES = 1L << 60;
  static final long REKEY_AFTER_TIME = 120 * SECOND;
  static final long REJECT_AFTER_TIME = 180 * SECOND;
  static final long REKEY_ATTEMPT_TIME = 90 * SECOND;
  static final long REKEY_TIMEOUT = 5 * SECOND;
  static final long KEEPALIVE_TIMEOUT = 10 * SECOND;
  static final long COOKIE_LIFETIME = 120 * SECOND;

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
  private final Cookies cookies;
  private final Options options;
  private final SecureRandom random = new SecureRandom();
  private final Map<ByteKey, Peer> peers = new ConcurrentHashMap<>();
  private final AllowedIps<Peer> routes = new AllowedIps<>();
  private final Map<Integer, Peer.Keypair> byIndex = new ConcurrentHashMap<>();
  private final Map<Integer, Peer> pendingByIndex = new ConcurrentHashMap<>();
  private final Thread outbound;
  private final Thread inbound;
  private final Thread timers;
  private final Object sendLock = new Object();
  private long loadWindowStart;
  private int loadWindowCount;
  private volatile boolean closed;

  private WireGuardDevice(TunDevice tun, DatagramChannel udp, byte[] privateKey, Options options) {
    this.tun = tun;
    this.udp = udp;
    this.privateKey = privateKey.clone();
    this.publicKey = WireGuardCrypto.publicKey(privateKey);
    this.responder = new Responder(privateKey);
    this.cookies = new Cookies(publicKey, random);
    this.options = options;
    this.outbound =
        Thread.ofPlatform().name("wg-out-" + tun.name()).daemon().unstarted(this::outbound);
    this.inbound =
        Thread.ofPlatform().name("wg-in-" + tun.name()).daemon().unstarted(this::inbound);
    this.timers =
        Thread.ofPlatform().name("wg-timers-" + tun.name()).daemon().unstarted(this::timers);
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
      dropKeypairs(peer);
      peer.pending = null;
      pendingByIndex.remove(peer.pendingIndex);
      peer.staged.clear();
    }
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

  // ---- sending -------------------------------------------------------------------------------

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
      stage(peer, Arrays.copyOfRange(buffer, 16, 16 + length));
      if (peer.next == null) { // else: the peer's first data will confirm the session we answered
        initiate(peer, false);
      }
      return;
    }
    int messageLength = keypair.session().sealInPlace(buffer, length, cipher);
    if (messageLength < 0) {
      stage(peer, Arrays.copyOfRange(buffer, 16, 16 + length));
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

  private void stage(Peer peer, byte[] packet) {
    synchronized (peer) {
      if (peer.staged.size() >= Peer.STAGED_LIMIT) {
        peer.staged.removeFirst();
      }
      peer.staged.addLast(packet);
    }
  }

  private void sendKeepalive(Peer peer) {
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
  private void initiate(Peer peer, boolean retry) {
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
      pendingByIndex.remove(peer.pendingIndex);
      int index = freeIndex();
      Initiator initiator = new Initiator(privateKey, peer.publicKey, peer.presharedKey, index);
      byte[] cookie =
          peer.cookie != null && now - peer.cookieReceived < COOKIE_LIFETIME ? peer.cookie : null;
      message = initiator.initiation(random, Instant.now(), cookie);
      peer.pending = initiator;
      peer.pendingIndex = index;
      peer.lastInitiationSent = now;
      peer.lastMac1 = Arrays.copyOfRange(message, 116, 132);
      pendingByIndex.put(index, peer);
    }
    try {
      transmit(peer, ByteBuffer.wrap(message));
    } catch (IOException e) {
      LOG.debug("initiation to a peer failed: {}", e.getMessage());
    }
  }

  private int freeIndex() {
    while (true) {
      int index = random.nextInt();
      if (!byIndex.containsKey(index) && !pendingByIndex.containsKey(index)) {
        return index;
      }
    }
  }

  // ---- receiving -----------------------------------------------------------------------------

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
          case 3 -> handleCookieReply(Arrays.copyOf(buffer, length));
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
      return;
    }
    long now = options.clock().getAsLong();
    if (underLoad(now) && !cookies.mac2Valid(message, 132, sender, now)) {
      // under load: no Diffie-Hellman for a sender that has not proven its address
      int senderIndex = ByteBuffer.wrap(message, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      byte[] reply = cookies.reply(senderIndex, Arrays.copyOfRange(message, 116, 132), sender, now);
      synchronized (sendLock) {
        udp.send(ByteBuffer.wrap(reply), sender);
      }
      return;
    }
    Responder.Answer answer;
    int index = freeIndex();
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
                  return new Responder.KnownPeer(p.lastTimestamp.clone(), p.presharedKey);
                }
              },
              index,
              random);
    } catch (Initiator.HandshakeException e) {
      LOG.debug("initiation from {} refused: {}", sender, e.getMessage());
      return;
    }
    Peer peer = peers.get(new ByteKey(answer.peerPublic()));
    if (peer == null) {
      return;
    }
    synchronized (peer) {
      if (Arrays.compareUnsigned(answer.timestamp(), peer.lastTimestamp) <= 0) {
        return; // a concurrent replay
      }
      peer.lastTimestamp = answer.timestamp();
      Peer.Keypair old = peer.next;
      if (old != null) {
        byIndex.remove(old.session().localIndex());
      }
      Peer.Keypair keypair = new Peer.Keypair(answer.session(), peer, false, now);
      byIndex.put(index, keypair);
      peer.next = keypair; // used for sending once the initiator's first data confirms it
      peer.endpoint = sender;
      peer.lastNewKeypair = now;
      peer.lastHandshakeEpochMillis = System.currentTimeMillis();
    }
    transmit(peer, ByteBuffer.wrap(answer.response()));
  }

  /** More initiations in the last second than the device answers without cookies. */
  private synchronized boolean underLoad(long now) {
    if (now - loadWindowStart >= SECOND) {
      loadWindowStart = now;
      loadWindowCount = 0;
    }
    loadWindowCount++;
    return loadWindowCount > options.underLoadHandshakesPerSecond();
  }

  private void handleResponse(byte[] message, InetSocketAddress sender) {
    if (message.length != Initiator.RESPONSE_SIZE) {
      return;
    }
    int receiver = ByteBuffer.wrap(message, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Peer peer = pendingByIndex.get(receiver);
    if (peer == null) {
      return;
    }
    List<byte[]> flush;
    synchronized (peer) {
      if (peer.pending == null || peer.pendingIndex != receiver) {
        return;
      }
      Session session;
      try {
        session = peer.pending.consume(message);
      } catch (Initiator.HandshakeException e) {
        LOG.debug("response from {} refused: {}", sender, e.getMessage());
        return;
      }
      long now = options.clock().getAsLong();
      pendingByIndex.remove(receiver);
      peer.pending = null;
      Peer.Keypair keypair = new Peer.Keypair(session, peer, true, now);
      byIndex.put(receiver, keypair);
      rotate(peer, keypair);
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

  private void handleCookieReply(byte[] message) {
    if (message.length != Initiator.COOKIE_REPLY_SIZE) {
      return;
    }
    int receiver = ByteBuffer.wrap(message, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Peer peer = pendingByIndex.get(receiver);
    if (peer == null) {
      return;
    }
    synchronized (peer) {
      try {
        peer.cookie = Cookies.openReply(message, peer.publicKey, peer.lastMac1);
        peer.cookieReceived = options.clock().getAsLong();
      } catch (AEADBadTagException e) {
        LOG.debug("a cookie reply that does not open: {}", e.getMessage());
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
    Peer.Keypair keypair = byIndex.get(receiver);
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
          rotate(peer, keypair);
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
    int ipLength = ipLength(buffer, 16, opened);
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

  /** A new session becomes current; the old current stays to receive what is still in flight. */
  private void rotate(Peer peer, Peer.Keypair keypair) {
    Peer.Keypair old = peer.previous;
    if (old != null) {
      byIndex.remove(old.session().localIndex());
    }
    peer.previous = peer.current;
    peer.current = keypair;
  }

  private void dropKeypairs(Peer peer) {
    for (Peer.Keypair k : new Peer.Keypair[] {peer.current, peer.previous, peer.next}) {
      if (k != null) {
        byIndex.remove(k.session().localIndex());
      }
    }
    peer.current = null;
    peer.previous = null;
    peer.next = null;
  }

  /** The IP packet's own length (padding removed), 0 for garbage. */
  static int ipLength(byte[] packet, int offset, int available) {
    if (available < 20) {
      return 0;
    }
    int version = (packet[offset] >> 4) & 0xf;
    int length =
        version == 4
            ? ((packet[offset + 2] & 0xff) << 8) | (packet[offset + 3] & 0xff)
            : version == 6 && available >= 40
                ? 40 + (((packet[offset + 4] & 0xff) << 8) | (packet[offset + 5] & 0xff))
                : 0;
    return length <= available ? length : 0;
  }

  // ---- timers --------------------------------------------------------------------------------

  private void timers() {
    while (!closed) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      tick();
    }
  }

  /** One pass of the timers over all peers (every 100 ms; tests call it with their own clock). */
  void tick() {
    long now = options.clock().getAsLong();
    for (Peer peer : peers.values()) {
      boolean retry = false;
      boolean fresh = false;
      synchronized (peer) {
        if (peer.pending != null) {
          if (now - peer.handshakeStarted >= REKEY_ATTEMPT_TIME) {
            // give up: the peer is unreachable; what was staged for it is dropped
            pendingByIndex.remove(peer.pendingIndex);
            peer.pending = null;
            peer.staged.clear();
          } else if (now - peer.lastInitiationSent >= REKEY_TIMEOUT + jitter()) {
            retry = true;
          }
        }
        if (now - peer.lastNewKeypair >= 3 * REJECT_AFTER_TIME && peer.current != null) {
          dropKeypairs(peer); // nothing new for long: the keys go
        }
        for (Peer.Keypair k : new Peer.Keypair[] {peer.previous, peer.next}) {
          if (k != null && now - k.createdNanos() >= REJECT_AFTER_TIME) {
            byIndex.remove(k.session().localIndex());
          }
        }
      }
      if (retry) {
        initiate(peer, true);
        continue;
      }
      Peer.Keypair current = peer.current;
      if (current == null) {
        continue;
      }
      // sent data, heard nothing back for KEEPALIVE + REKEY_TIMEOUT: the session may be dead
      if (peer.lastDataSent > peer.lastReceived
          && now - peer.lastDataSent >= KEEPALIVE_TIMEOUT + REKEY_TIMEOUT) {
        fresh = true;
      }
      if (fresh) {
        peer.lastDataSent = peer.lastReceived; // once per silence
        initiate(peer, false);
      } else if (peer.lastDataReceived > peer.lastSent
          && now - peer.lastDataReceived >= KEEPALIVE_TIMEOUT) {
        sendKeepalive(peer); // passive keepalive: the peer learns we are alive
      } else if (peer.persistentKeepaliveSeconds > 0
          && now - peer.lastSent >= peer.persistentKeepaliveSeconds * SECOND) {
        sendKeepalive(peer);
      }
    }
  }

  private long jitter() {
    return random.nextLong(SECOND / 3);
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
    for (Peer peer : peers.values()) {
      removePeer(peer.publicKey);
    }
    Arrays.fill(privateKey, (byte) 0);
  }

  /** A byte array as a map key (by content). */
  private record ByteKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }
}
