package network.mysterium.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.channel.UdpChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A relay's TCP splices on loopback, with real sockets: a connection to an allocation's TCP port is
 * spliced to the one its node dials back, both ways, with large data; dial-backs with unknown, used
 * or expired tokens, or none, are refused and counted, and so are connections over the allocation's
 * bounds; a side that stops reading holds up only its own splice.
 */
class RelayTcpTest {
  private static final InetSocketAddress ANY_LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final int LARGE = 8 * 1024 * 1024;

  private final SecureRandom random = new SecureRandom();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  private RelayServer relay(RelayTcp.Limits tcp) throws IOException {
    RelayServer relay =
        RelayServer.start(
            ANY_LOOPBACK, ANY_LOOPBACK, identity -> true, RelayServer.Limits.DEFAULT, tcp);
    resources.add(relay);
    return relay;
  }

  private static RelayTcp.Limits limits(
      int dials, int connections, Duration dialExpiry, Duration dialBackTimeout) {
    return new RelayTcp.Limits(
        dials, connections, 4096, 256, dialExpiry, dialBackTimeout, Duration.ofSeconds(10), 16384);
  }

  private PrivateKey key() {
    PrivateKey key = PrivateKey.generate(random);
    resources.add(key::destroy);
    return key;
  }

  /** A node as RelayedChannel is one: registered with the relay, serving what is dialed back. */
  private RelayedChannel.Registration node(RelayServer relay, java.util.function.Consumer<Socket> s)
      throws Exception {
    RelayedChannel channel =
        new RelayedChannel(
            UdpChannel.bind(ANY_LOOPBACK), key(), List.of(relay.address()), Duration.ofSeconds(1));
    resources.add(channel);
    channel.start((datagram, from) -> {});
    resources.add(channel.splices().serve(s));
    RelayedChannel.Registration registration =
        channel.registrations().getFirst().get(10, TimeUnit.SECONDS);
    // the relay sees this node at an address of its own (loopback): it is reached there directly
    assertThat(channel.splices().address()).isEmpty();
    return registration;
  }

  private Socket connect(InetSocketAddress to) throws IOException {
    Socket socket = new Socket();
    resources.add(socket);
    socket.connect(to, 5000);
    socket.setSoTimeout(15_000);
    return socket;
  }

  @Test
  void aConnectionToTheAllocationsTcpPortIsSplicedToTheNodesDialBackBothWays() throws Exception {
    RelayServer relay = relay(RelayTcp.Limits.DEFAULT);
    byte[] up = new byte[LARGE];
    byte[] down = new byte[LARGE];
    random.nextBytes(up);
    random.nextBytes(down);
    CompletableFuture<byte[]> nodeGot = new CompletableFuture<>();
    RelayedChannel.Registration registration =
        node(
            relay,
            dialed -> {
              // the service writes its bytes while it reads the consumer's: both ways at once
              Thread writer = Thread.ofVirtual().start(() -> write(dialed, down));
              nodeGot.complete(readAll(dialed, LARGE));
              try {
                writer.join();
                dialed.close();
              } catch (InterruptedException | IOException e) {
                nodeGot.completeExceptionally(e);
              }
            });
    InetSocketAddress splice = registration.splice().orElseThrow();
    assertThat(splice.getAddress()).isEqualTo(relay.address().getAddress());
    // the allocation's UDP port number, when it is free for TCP too
    assertThat(splice.getPort()).isEqualTo(registration.allocation().address().getPort());

    Socket consumer = connect(splice);
    long start = System.nanoTime();
    Thread.ofVirtual().start(() -> write(consumer, up));
    byte[] consumerGot = readAll(consumer, LARGE);
    System.out.printf(
        "SPLICE %d MiB each way in %d ms%n", LARGE >> 20, (System.nanoTime() - start) / 1_000_000);
    assertThat(MessageDigest.isEqual(consumerGot, down)).as("node to consumer").isTrue();
    assertThat(MessageDigest.isEqual(nodeGot.get(20, TimeUnit.SECONDS), up))
        .as("consumer to node")
        .isTrue();
    // the node's end closes: the splice passes it on and goes
    assertThat(consumer.getInputStream().read()).isEqualTo(-1);
    consumer.close(); // and the consumer's answers it: the splice ends without waiting
    await(() -> relay.splices() == 0, "the splice to end");
    for (RelayRefusal reason : RelayRefusal.values()) {
      assertThat(relay.refused(reason)).as(reason.name()).isZero();
    }
  }

  @Test
  void dialBacksWithAnUnknownAUsedOrNoTokenAreRefusedAndCounted() throws Exception {
    RelayServer relay = relay(limits(16, 64, Duration.ofSeconds(5), Duration.ofMillis(300)));
    InetSocketAddress dialBack =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.dialBackPort());
    byte[] unknown = new byte[RelayFrames.TOKEN_BYTES];
    random.nextBytes(unknown);
    Socket guess = connect(dialBack);
    guess.getOutputStream().write(unknown);
    assertThat(guess.getInputStream().read()).as("closed").isEqualTo(-1);
    assertThat(relay.refused(RelayRefusal.UNKNOWN_DIAL)).isEqualTo(1);

    // one that says nothing, and one that says part of a token and stops: closed in time
    Socket silent = connect(dialBack);
    Socket partial = connect(dialBack);
    partial.getOutputStream().write(unknown, 0, RelayFrames.TOKEN_BYTES - 1);
    assertThat(silent.getInputStream().read()).isEqualTo(-1);
    assertThat(partial.getInputStream().read()).isEqualTo(-1);
    await(() -> relay.refused(RelayRefusal.DIAL_TIMEOUT) == 2, "both timed out");

    // a token used once is no longer there
    RawNode node = RawNode.register(this, relay);
    Socket consumer = connect(node.splice());
    byte[] token = node.awaitDial();
    Socket answer = connect(dialBack);
    answer.getOutputStream().write(token);
    consumer.getOutputStream().write(42);
    assertThat(answer.getInputStream().read()).isEqualTo(42);
    Socket again = connect(dialBack);
    again.getOutputStream().write(token);
    assertThat(again.getInputStream().read()).isEqualTo(-1);
    assertThat(relay.refused(RelayRefusal.UNKNOWN_DIAL)).isEqualTo(2);
  }

  @Test
  void aDialItsNodeDoesNotAnswerInTimeExpiresWithItsConnection() throws Exception {
    RelayServer relay = relay(limits(16, 64, Duration.ofMillis(300), Duration.ofSeconds(5)));
    RawNode node = RawNode.register(this, relay);
    Socket consumer = connect(node.splice());
    byte[] token = node.awaitDial();
    assertThat(node.awaitDial()).as("sent again, in case it was lost").isEqualTo(token);
    assertThat(consumer.getInputStream().read()).as("closed at expiry").isEqualTo(-1);
    assertThat(relay.refused(RelayRefusal.DIAL_TIMEOUT)).isEqualTo(1);
    Socket late =
        connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.dialBackPort()));
    late.getOutputStream().write(token);
    assertThat(late.getInputStream().read()).isEqualTo(-1);
    assertThat(relay.refused(RelayRefusal.UNKNOWN_DIAL)).isEqualTo(1);
    await(() -> relay.splices() == 0, "nothing held");
  }

  @Test
  void anAllocationWaitsForAFewDialsAndHoldsAFewConnectionsAtMost() throws Exception {
    RelayServer relay = relay(limits(2, 3, Duration.ofSeconds(10), Duration.ofSeconds(5)));
    RawNode node = RawNode.register(this, relay);
    Socket first = connect(node.splice());
    byte[] firstDial = node.awaitDial();
    connect(node.splice());
    node.awaitDial();
    Socket third = connect(node.splice());
    assertThat(third.getInputStream().read()).as("a third dial waiting").isEqualTo(-1);
    assertThat(relay.refused(RelayRefusal.DIALS_PENDING)).isEqualTo(1);

    // one answered: a dial is free again, and the allocation holds three connections
    Socket answer =
        connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.dialBackPort()));
    answer.getOutputStream().write(firstDial);
    first.getOutputStream().write(7);
    assertThat(answer.getInputStream().read()).isEqualTo(7);
    connect(node.splice());
    node.awaitDial();
    Socket fifth = connect(node.splice());
    assertThat(fifth.getInputStream().read()).as("a fourth connection").isEqualTo(-1);
    assertThat(relay.refused(RelayRefusal.SPLICES_FULL)).isEqualTo(1);
    assertThat(relay.splices()).isEqualTo(3);
  }

  @Test
  void aConsumerThatStopsReadingHoldsUpOnlyItsOwnSplice() throws Exception {
    RelayServer relay = relay(RelayTcp.Limits.DEFAULT);
    RelayedChannel.Registration registration =
        node(
            relay,
            dialed -> {
              try {
                int mode = dialed.getInputStream().read();
                OutputStream out = dialed.getOutputStream();
                if (mode == 'F') { // floods until the splice stops taking bytes, and beyond
                  byte[] chunk = new byte[65_536];
                  while (true) {
                    out.write(chunk);
                  }
                }
                out.write(dialed.getInputStream().readNBytes(5));
                out.flush();
              } catch (IOException e) {
                // the splice closed
              }
            });
    Socket stuck = connect(registration.splice().orElseThrow());
    stuck.getOutputStream().write('F'); // and never reads
    Socket echoed = connect(registration.splice().orElseThrow());
    echoed.getOutputStream().write("Ehello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(new String(readAll(echoed, 5), java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("hello");
    // the relay's datagram side goes on too: a second node registers
    assertThat(RawNode.register(this, relay).splice().getPort()).isPositive();
    assertThat(relay.splices()).isGreaterThanOrEqualTo(1);
  }

  /** A node driven frame by frame from the test, to see its DIAL frames. */
  private record RawNode(DatagramChannel channel, byte[] token, InetSocketAddress splice)
      implements AutoCloseable {
    static RawNode register(RelayTcpTest test, RelayServer relay) throws Exception {
      DatagramChannel channel = DatagramChannel.open().bind(ANY_LOOPBACK);
      PrivateKey key = test.key();
      byte[] nonce = new byte[RelayFrames.NONCE_BYTES];
      test.random.nextBytes(nonce);
      long now = Clock.systemUTC().instant().getEpochSecond();
      byte[] signature =
          key.sign(RelayFrames.registrationDigest(relay.address(), key.address(), now, nonce))
              .toBytes();
      channel.send(
          ByteBuffer.allocate(RelayFrames.REGISTER_BYTES)
              .put(RelayFrames.REGISTER)
              .put(key.address().toBytes())
              .putLong(now)
              .put(nonce)
              .put(signature)
              .flip(),
          relay.address());
      ByteBuffer registered = receive(channel, RelayFrames.REGISTERED);
      byte[] token = new byte[RelayFrames.TOKEN_BYTES];
      registered.get(token);
      registered.getShort();
      RelayFrames.getAddress(registered);
      registered.get(new byte[RelayFrames.NONCE_BYTES]);
      int splicePort = Short.toUnsignedInt(registered.getShort());
      channel.send(
          ByteBuffer.allocate(1 + token.length).put(RelayFrames.KEEPALIVE).put(token).flip(),
          relay.address());
      receive(channel, RelayFrames.ALIVE); // confirmed: dials are sent from now on
      RawNode node =
          new RawNode(
              channel, token, new InetSocketAddress(relay.address().getAddress(), splicePort));
      test.resources.add(node);
      return node;
    }

    /** The next DIAL's one-time token (checked to carry this node's registration token). */
    byte[] awaitDial() throws Exception {
      ByteBuffer dial = receive(channel, RelayFrames.DIAL);
      byte[] echoed = new byte[RelayFrames.TOKEN_BYTES];
      dial.get(echoed);
      assertThat(echoed).isEqualTo(token);
      byte[] once = new byte[RelayFrames.TOKEN_BYTES];
      dial.get(once);
      return once;
    }

    /** The next frame of that kind, after its first byte. */
    private static ByteBuffer receive(DatagramChannel channel, byte op) throws Exception {
      channel.configureBlocking(true);
      channel.socket().setSoTimeout(5000);
      while (true) {
        java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[2048], 2048);
        try {
          channel.socket().receive(packet);
        } catch (SocketTimeoutException e) {
          throw new AssertionError("no frame " + op + " from the relay");
        }
        ByteBuffer frame = ByteBuffer.wrap(packet.getData(), 0, packet.getLength());
        if (frame.get() == op) {
          return frame.slice();
        }
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static void write(Socket socket, byte[] bytes) {
    try {
      OutputStream out = socket.getOutputStream();
      for (int at = 0; at < bytes.length; at += 100_000) {
        out.write(bytes, at, Math.min(100_000, bytes.length - at));
      }
      out.flush();
    } catch (IOException e) {
      // the reading side asserts what arrived
    }
  }

  private static byte[] readAll(Socket socket, int length) {
    try {
      InputStream in = socket.getInputStream();
      byte[] got = new byte[length];
      new DataInputStream(in).readFully(got);
      return got;
    } catch (IOException e) {
      throw new AssertionError("the splice ended early: " + e);
    }
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
}
