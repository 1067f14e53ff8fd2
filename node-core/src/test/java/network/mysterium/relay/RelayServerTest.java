package network.mysterium.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.messaging.channel.UdpChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A relay on loopback, with real UDP sockets: a node registered with it is reached at its
 * allocation and answers through it; what strangers send to the control port is refused and
 * counted, and never stops the relay.
 */
class RelayServerTest {
  private static final DialogueConfig CONFIG =
      new DialogueConfig(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(5), 256);
  private static final InetSocketAddress ANY_LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> keys = new ConcurrentHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  private RelayServer relay(RelayServer.Admission admission, RelayServer.Limits limits)
      throws Exception {
    RelayServer relay = RelayServer.start(ANY_LOOPBACK, ANY_LOOPBACK, admission, limits);
    resources.add(relay);
    return relay;
  }

  private PrivateKey key() {
    PrivateKey key = PrivateKey.generate(random);
    keys.put(key.address(), key.publicKey());
    resources.add(key::destroy);
    return key;
  }

  private Dialogues node(PrivateKey key, Channel channel, List<byte[]> received) {
    // echoes in order, off the dialogue's receiving thread (a send may wait for room)
    java.util.concurrent.ExecutorService echo =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    resources.add(echo::shutdownNow);
    Messenger messenger =
        new Messenger(
            key,
            identity -> Optional.ofNullable(keys.get(identity)),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    Dialogues dialogues =
        new Dialogues(
                messenger,
                channel,
                CONFIG,
                peer ->
                    new Dialogue.Handler() {
                      @Override
                      public void onMessage(Dialogue dialogue, byte[] payload) {
                        received.add(payload);
                        echo.execute(
                            () -> {
                              try {
                                dialogue.send(payload).get(10, TimeUnit.SECONDS);
                              } catch (Exception e) {
                                // the test counts what came back
                              }
                            });
                      }

                      @Override
                      public void onClosed(Dialogue dialogue, String reason) {}
                    })
            .start();
    resources.add(dialogues);
    return dialogues;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aNodeRegisteredWithARelayIsReachedAtItsAllocationAndAnswersThroughIt() throws Exception {
    RelayServer relay = relay(identity -> true, RelayServer.Limits.DEFAULT);
    PrivateKey providerKey = key();
    RelayedChannel relayed =
        new RelayedChannel(
            UdpChannel.bind(ANY_LOOPBACK),
            providerKey,
            List.of(relay.address()),
            Duration.ofSeconds(1));
    List<byte[]> providerGot = Collections.synchronizedList(new ArrayList<>());
    Dialogues provider = node(providerKey, relayed, providerGot);
    RelayedChannel.Registration registration =
        relayed.registrations().getFirst().get(10, TimeUnit.SECONDS);
    assertThat(registration.allocation().address().getAddress())
        .isEqualTo(relay.address().getAddress());
    assertThat(registration.allocation().address().getPort())
        .isNotIn(relay.address().getPort(), provider.contact().address().getPort());
    assertThat(registration.observed()).isEqualTo(provider.contact().address());
    assertThat(relay.allocations()).isEqualTo(1);

    PrivateKey consumerKey = key();
    List<byte[]> echoes = Collections.synchronizedList(new ArrayList<>());
    Dialogues consumer = node(consumerKey, UdpChannel.bind(ANY_LOOPBACK), new ArrayList<>());
    Dialogue toProvider =
        consumer
            .open(
                providerKey.address(),
                registration.allocation(),
                new Dialogue.Handler() {
                  @Override
                  public void onMessage(Dialogue dialogue, byte[] payload) {
                    echoes.add(payload);
                  }

                  @Override
                  public void onClosed(Dialogue dialogue, String reason) {}
                })
            .get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 200; i++) {
      toProvider.send(ByteBuffer.allocate(4).putInt(i).array());
    }
    await(() -> echoes.size() == 200, "200 echoes through the relay");
    for (int i = 0; i < 200; i++) {
      assertThat(ByteBuffer.wrap(echoes.get(i)).getInt()).isEqualTo(i);
    }
    // the provider saw the consumer as a peer behind the relay, at its real source address
    assertThat(provider.dialogueWith(consumerKey.address()).orElseThrow().contact())
        .isEqualTo(new Contact(Contact.RELAYED, consumer.contact().address()));
    for (RelayRefusal reason : RelayRefusal.values()) {
      assertThat(relay.refused(reason)).as(reason.name()).isZero();
    }
  }

  /**
   * The relay reflects nothing at strangers: a node's TO frame is sent on only to an address that
   * sent to its allocation lately, and then from the allocation's own port.
   */
  @Test
  void theRelaySendsOnlyToAnAddressThatSentToTheAllocation() throws Exception {
    RelayServer relay = relay(identity -> true, RelayServer.Limits.DEFAULT);
    try (DatagramChannel node = DatagramChannel.open().bind(ANY_LOOPBACK);
        DatagramChannel peer = DatagramChannel.open().bind(ANY_LOOPBACK)) {
      send(
          node,
          relay,
          registration(key(), relay.address(), Clock.systemUTC().instant().getEpochSecond()));
      ByteBuffer registered = ByteBuffer.wrap(receive(node));
      assertThat(registered.get()).isEqualTo(RelayFrames.REGISTERED);
      byte[] token = new byte[RelayFrames.TOKEN_BYTES];
      registered.get(token);
      InetSocketAddress allocation =
          new InetSocketAddress(
              relay.address().getAddress(), Short.toUnsignedInt(registered.getShort()));
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalAddress();
      // the node confirms its address with a keepalive; the relay answers with its token
      send(node, relay, keepalive(token));
      ByteBuffer alive = ByteBuffer.wrap(receive(node));
      assertThat(alive.get()).isEqualTo(RelayFrames.ALIVE);

      send(node, relay, to(token, peerAddress, "unasked"));
      await(() -> relay.refused(RelayRefusal.NO_PERMISSION) == 1, "the TO to a stranger refused");
      assertThat(tryReceive(peer, Duration.ofMillis(300))).isEmpty();

      peer.send(ByteBuffer.wrap("hello".getBytes()), allocation);
      ByteBuffer from = ByteBuffer.wrap(receive(node));
      assertThat(from.get()).isEqualTo(RelayFrames.FROM);
      assertThat(RelayFrames.getAddress(from)).isEqualTo(peerAddress);
      assertThat(new String(from.array(), from.position(), from.remaining())).isEqualTo("hello");

      send(node, relay, to(token, peerAddress, "answer"));
      java.net.DatagramPacket answer = tryReceive(peer, Duration.ofSeconds(5)).orElseThrow();
      assertThat(new String(answer.getData(), 0, answer.getLength())).isEqualTo("answer");
      assertThat(answer.getSocketAddress()).isEqualTo(allocation);
    }
  }

  private static byte[] keepalive(byte[] token) {
    return ByteBuffer.allocate(1 + token.length).put(RelayFrames.KEEPALIVE).put(token).array();
  }

  /** A node's registration and the token its relay gave it, confirmed by a first keepalive. */
  private record Registered(byte[] token, InetSocketAddress allocation) {}

  private Registered registerAndConfirm(DatagramChannel node, RelayServer relay, boolean confirm)
      throws Exception {
    send(
        node,
        relay,
        registration(key(), relay.address(), Clock.systemUTC().instant().getEpochSecond()));
    ByteBuffer registered = ByteBuffer.wrap(receive(node));
    assertThat(registered.get()).isEqualTo(RelayFrames.REGISTERED);
    byte[] token = new byte[RelayFrames.TOKEN_BYTES];
    registered.get(token);
    InetSocketAddress allocation =
        new InetSocketAddress(
            relay.address().getAddress(), Short.toUnsignedInt(registered.getShort()));
    if (confirm) {
      send(node, relay, keepalive(token));
      assertThat(receive(node)[0]).isEqualTo(RelayFrames.ALIVE);
    }
    return new Registered(token, allocation);
  }

  /**
   * The token travels in clear, so it proves nothing from another address: a keepalive or a TO
   * frame with it from elsewhere is refused (REFUSED echoing the token) and moves nothing; the node
   * keeps getting what comes to its allocation.
   */
  @Test
  void aTokenSentFromAnotherAddressMovesNothing() throws Exception {
    RelayServer relay = relay(identity -> true, RelayServer.Limits.DEFAULT);
    try (DatagramChannel node = DatagramChannel.open().bind(ANY_LOOPBACK);
        DatagramChannel thief = DatagramChannel.open().bind(ANY_LOOPBACK);
        DatagramChannel peer = DatagramChannel.open().bind(ANY_LOOPBACK)) {
      Registered r = registerAndConfirm(node, relay, true);
      send(thief, relay, keepalive(r.token()));
      ByteBuffer refused = ByteBuffer.wrap(receive(thief));
      assertThat(refused.get()).isEqualTo(RelayFrames.REFUSED);
      refused.get();
      byte[] echoed = new byte[RelayFrames.TOKEN_BYTES];
      refused.get(echoed);
      assertThat(echoed).isEqualTo(r.token());

      peer.send(ByteBuffer.wrap("still mine".getBytes()), r.allocation());
      ByteBuffer from = ByteBuffer.wrap(receive(node));
      assertThat(from.get()).isEqualTo(RelayFrames.FROM);
      assertThat(tryReceive(thief, Duration.ofMillis(300))).isEmpty();
    }
  }

  /**
   * A registration that reached the relay from an address that never confirms it (a copy sent with
   * someone else's source address) forwards nothing there.
   */
  @Test
  void anUnconfirmedAllocationForwardsNothing() throws Exception {
    RelayServer relay = relay(identity -> true, RelayServer.Limits.DEFAULT);
    try (DatagramChannel victim = DatagramChannel.open().bind(ANY_LOOPBACK);
        DatagramChannel stranger = DatagramChannel.open().bind(ANY_LOOPBACK)) {
      Registered r = registerAndConfirm(victim, relay, false);
      long before = relay.refused(RelayRefusal.UNKNOWN_TOKEN);
      for (int i = 0; i < 20; i++) {
        stranger.send(ByteBuffer.wrap(new byte[100]), r.allocation());
      }
      await(() -> relay.refused(RelayRefusal.UNKNOWN_TOKEN) > before, "the datagrams refused");
      assertThat(tryReceive(victim, Duration.ofMillis(300))).isEmpty();
    }
  }

  /**
   * A REGISTERED the node never asked for (forged, or for a copy replayed elsewhere) is ignored.
   */
  @Test
  void aNodeIgnoresARegistrationItDidNotAskFor() throws Exception {
    try (DatagramChannel fakeRelay = DatagramChannel.open().bind(ANY_LOOPBACK)) {
      InetSocketAddress fake = (InetSocketAddress) fakeRelay.getLocalAddress();
      RelayedChannel relayed =
          new RelayedChannel(
              UdpChannel.bind(ANY_LOOPBACK), key(), List.of(fake), Duration.ofHours(1));
      resources.add(relayed);
      relayed.start((datagram, from) -> {});
      receive(fakeRelay); // the node's own registration
      ByteBuffer forged =
          ByteBuffer.allocate(
                  1
                      + RelayFrames.TOKEN_BYTES
                      + 2
                      + RelayFrames.ADDRESS_BYTES
                      + RelayFrames.NONCE_BYTES)
              .put(RelayFrames.REGISTERED)
              .put(new byte[RelayFrames.TOKEN_BYTES])
              .putShort((short) 4242);
      RelayFrames.putAddress(forged, fake);
      forged.put(new byte[RelayFrames.NONCE_BYTES]); // not the nonce the node sent
      fakeRelay.send(forged.flip(), relayed.localContact().address());
      assertThat(
              relayed
                  .registrations()
                  .getFirst()
                  .completeOnTimeout(null, 500, TimeUnit.MILLISECONDS)
                  .get())
          .isNull();
      assertThat(relayed.current()).isEmpty();
    }
  }

  private static byte[] to(byte[] token, InetSocketAddress target, String payload) {
    ByteBuffer b = ByteBuffer.allocate(RelayFrames.TO_HEADER_BYTES + payload.length());
    b.put(RelayFrames.TO).put(token);
    RelayFrames.putAddress(b, target);
    return b.put(payload.getBytes()).array();
  }

  @Test
  void strangersRegistrationsAndGarbageAreRefusedAndCountedAndTheRelayGoesOn() throws Exception {
    PrivateKey outsider = key();
    RelayServer relay =
        relay(identity -> !identity.equals(outsider.address()), RelayServer.Limits.DEFAULT);
    PrivateKey honest = key();
    try (DatagramChannel stranger = DatagramChannel.open().bind(ANY_LOOPBACK)) {
      long now = Clock.systemUTC().instant().getEpochSecond();
      byte[] good = registration(honest, relay.address(), now);
      byte[] forged = good.clone();
      forged[forged.length - 10] ^= 1; // a changed signature recovers another identity
      byte[] otherRelay =
          registration(honest, new InetSocketAddress(relay.address().getAddress(), 1), now);
      byte[] old = registration(honest, relay.address(), now - 3600);
      send(stranger, relay, forged, otherRelay, old, registration(outsider, relay.address(), now));
      await(
          () ->
              relay.refused(RelayRefusal.BAD_SIGNATURE) == 2
                  && relay.refused(RelayRefusal.STALE_REGISTRATION) == 1
                  && relay.refused(RelayRefusal.NOT_ADMITTED) == 1,
          "the hostile registrations counted");
      assertThat(relay.allocations()).isZero();

      try (DatagramChannel flooder = DatagramChannel.open().bind(ANY_LOOPBACK)) {
        byte[] garbage = new byte[200]; // never a registration's length: refused unverified
        for (int i = 0; i < 1000; i++) {
          random.nextBytes(garbage);
          flooder.send(ByteBuffer.wrap(garbage), relay.address());
        }
      }
      await(() -> relay.refused(RelayRefusal.MALFORMED) > 0, "the garbage refused");
      // the relay goes on: the honest registration is answered (sent again, as a node does,
      // while the flood may still fill the relay's socket; a copy taken twice is a replay)
      byte[] reply = null;
      for (int attempt = 0; attempt < 30 && reply == null; attempt++) {
        send(stranger, relay, good);
        reply =
            tryReceive(stranger, Duration.ofMillis(500))
                .map(p -> java.util.Arrays.copyOf(p.getData(), p.getLength()))
                .orElse(null);
      }
      assertThat(reply).isNotNull();
      assertThat(reply[0]).isEqualTo(RelayFrames.REGISTERED);
      assertThat(relay.allocations()).isEqualTo(1);
      long staleBefore = relay.refused(RelayRefusal.STALE_REGISTRATION);
      // the same registration again, replayed by whoever saw it from elsewhere, is refused
      try (DatagramChannel replayer = DatagramChannel.open().bind(ANY_LOOPBACK)) {
        send(replayer, relay, good);
      }
      await(
          () -> relay.refused(RelayRefusal.STALE_REGISTRATION) > staleBefore, "the replay refused");
      assertThat(relay.allocations()).isEqualTo(1);
      // a TO frame with a token nobody holds
      byte[] unknownToken = new byte[RelayFrames.TO_HEADER_BYTES + 4];
      unknownToken[0] = RelayFrames.TO;
      long before = relay.refused(RelayRefusal.UNKNOWN_TOKEN); // garbage may have looked like one
      send(stranger, relay, unknownToken);
      await(
          () -> relay.refused(RelayRefusal.UNKNOWN_TOKEN) == before + 1,
          "the unknown token refused");
    }
  }

  @Test
  void registrationsFromOneSourceAreRateLimited() throws Exception {
    RelayServer relay = relay(identity -> true, RelayServer.Limits.DEFAULT);
    try (DatagramChannel source = DatagramChannel.open().bind(ANY_LOOPBACK)) {
      long now = Clock.systemUTC().instant().getEpochSecond();
      for (int i = 0; i < 50; i++) {
        send(source, relay, registration(key(), relay.address(), now));
      }
      // the burst (5) passes at once; the rest within the same instant are refused unverified
      await(() -> relay.refused(RelayRefusal.REGISTRATION_RATE) >= 40, "the rate refusals");
      assertThat(relay.allocations()).isBetween(5, 10);
    }
  }

  @Test
  void anAllocationWhoseNodeFallsSilentExpires() throws Exception {
    RelayServer.Limits shortLived =
        new RelayServer.Limits(
            16,
            4,
            16,
            1_000_000,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(60),
            2);
    RelayServer relay = relay(identity -> true, shortLived);
    try (DatagramChannel node = DatagramChannel.open().bind(ANY_LOOPBACK)) {
      send(
          node,
          relay,
          registration(key(), relay.address(), Clock.systemUTC().instant().getEpochSecond()));
      await(() -> relay.allocations() == 1, "the allocation");
      await(() -> relay.allocations() == 0, "the silent node's allocation to expire");
    }
  }

  @Test
  void anAllocationForwardsNoMoreThanItsRate() throws Exception {
    RelayServer.Limits slow =
        new RelayServer.Limits(
            16,
            4,
            16,
            100_000,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            2);
    RelayServer relay = relay(identity -> true, slow);
    List<byte[]> got = Collections.synchronizedList(new ArrayList<>());
    RelayedChannel relayed =
        new RelayedChannel(
            UdpChannel.bind(ANY_LOOPBACK), key(), List.of(relay.address()), Duration.ofSeconds(1));
    resources.add(relayed);
    relayed.start((datagram, from) -> got.add(datagram));
    Contact allocation = relayed.registrations().getFirst().get(10, TimeUnit.SECONDS).allocation();
    try (DatagramChannel flooder = DatagramChannel.open().bind(ANY_LOOPBACK)) {
      byte[] datagram = new byte[1000];
      long start = System.nanoTime();
      // about 1 MB/s for a second (paced, so the socket buffers drop nothing), against 100 kB/s
      for (int tick = 0; tick < 100; tick++) {
        for (int i = 0; i < 10; i++) {
          flooder.send(ByteBuffer.wrap(datagram), allocation.address());
        }
        Thread.sleep(10);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      await(() -> relay.refused(RelayRefusal.OVER_RATE) > 500, "the flood cut at the rate");
      // each datagram costs its bytes and 64 more (the rate bounds packets too)
      long allowed = (long) ((65_536 + 100_000 * (seconds + 0.5)) / 1064);
      assertThat(got.size()).isBetween(50, (int) allowed);
    }
  }

  private static void send(DatagramChannel from, RelayServer relay, byte[]... frames)
      throws java.io.IOException {
    for (byte[] frame : frames) {
      from.send(ByteBuffer.wrap(frame), relay.address());
    }
  }

  private static byte[] receive(DatagramChannel channel) throws Exception {
    java.net.DatagramPacket packet =
        tryReceive(channel, Duration.ofSeconds(5))
            .orElseThrow(() -> new AssertionError("no answer from the relay"));
    return java.util.Arrays.copyOf(packet.getData(), packet.getLength());
  }

  private static Optional<java.net.DatagramPacket> tryReceive(
      DatagramChannel channel, Duration within) throws Exception {
    channel.configureBlocking(true);
    channel.socket().setSoTimeout((int) within.toMillis());
    java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[2048], 2048);
    try {
      channel.socket().receive(packet);
      return Optional.of(packet);
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
  }

  /** A REGISTER frame as a node makes it (the relay address is part of what it signs). */
  private byte[] registration(PrivateKey key, InetSocketAddress relay, long epochSeconds) {
    byte[] nonce = new byte[RelayFrames.NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] signature =
        key.sign(RelayFrames.registrationDigest(relay, key.address(), epochSeconds, nonce))
            .toBytes();
    return ByteBuffer.allocate(RelayFrames.REGISTER_BYTES)
        .put(RelayFrames.REGISTER)
        .put(key.address().toBytes())
        .putLong(epochSeconds)
        .put(nonce)
        .put(signature)
        .array();
  }
}
