package network.mysterium.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.junit.jupiter.api.Test;

/**
 * Hole punching on this machine: a dialogue that began through a real relay moves to the direct
 * path on both sides; and the frames a stranger can send are refused by reason, without the node
 * ever sending more than it was sent. (Across real NAT routers: {@link RelayNatTest}.)
 */
class PunchingChannelTest {
  private static final DialogueConfig CONFIG =
      new DialogueConfig(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5), 256);
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> known = new ConcurrentHashMap<>();

  private Dialogues dialogues(PrivateKey key, Channel channel, Dialogues.Acceptor acceptor) {
    known.put(key.address(), key.publicKey());
    Messenger messenger =
        new Messenger(
            key,
            identity -> Optional.ofNullable(known.get(identity)),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    return new Dialogues(messenger, channel, CONFIG, acceptor).start();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never: " + what);
      }
      Thread.sleep(10);
    }
  }

  private static Dialogue.Handler echo() {
    return new Dialogue.Handler() {
      @Override
      public void onMessage(Dialogue dialogue, byte[] payload) {
        try {
          dialogue.send(payload);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public void onClosed(Dialogue dialogue, String reason) {}
    };
  }

  @Test
  void aDialogueThatBeganThroughTheRelayMovesToTheDirectPathOnBothSides() throws Exception {
    PrivateKey providerKey = PrivateKey.generate(random);
    PrivateKey consumerKey = PrivateKey.generate(random);
    InetSocketAddress relayAt = new InetSocketAddress(LOOPBACK, 0);
    try (RelayServer relay =
            RelayServer.start(relayAt, relayAt, identity -> true, RelayServer.Limits.DEFAULT);
        UdpChannel providerUdp = UdpChannel.bind(new InetSocketAddress(LOOPBACK, 0))) {
      RelayedChannel relayed =
          new RelayedChannel(
              providerUdp, providerKey, List.of(relay.address()), Duration.ofSeconds(5));
      // on loopback no router maps the provider: its own address is what a punch names
      PunchingChannel providerPunch =
          new PunchingChannel(relayed, () -> Optional.of(providerUdp.localContact().address()));
      PunchingChannel consumerPunch =
          new PunchingChannel(UdpChannel.bind(new InetSocketAddress(LOOPBACK, 0)), Optional::empty);
      try (Dialogues provider = dialogues(providerKey, providerPunch, peer -> echo());
          Dialogues consumer = dialogues(consumerKey, consumerPunch, peer -> null)) {
        providerPunch.onDirectPath(provider::movePath);
        consumerPunch.onDirectPath(consumer::movePath);
        Contact allocation =
            relayed.registrations().getFirst().get(10, TimeUnit.SECONDS).allocation();
        List<byte[]> echoed = new CopyOnWriteArrayList<>();
        Dialogue toProvider =
            consumer
                .open(
                    providerKey.address(),
                    allocation,
                    new Dialogue.Handler() {
                      @Override
                      public void onMessage(Dialogue dialogue, byte[] payload) {
                        echoed.add(payload);
                      }

                      @Override
                      public void onClosed(Dialogue dialogue, String reason) {}
                    })
                .get(10, TimeUnit.SECONDS);
        toProvider.send(new byte[] {1}).get(10, TimeUnit.SECONDS);

        Contact providerDirect = providerUdp.localContact();
        Contact consumerDirect = consumerPunch.localContact();
        await(() -> toProvider.contact().equals(providerDirect), "the consumer moved");
        await(
            () ->
                provider
                    .dialogueWith(consumerKey.address())
                    .map(d -> d.contact().equals(consumerDirect))
                    .orElse(false),
            "the provider followed");
        assertThat(toProvider.origin()).isEqualTo(allocation);
        for (int i = 0; i < 20; i++) {
          toProvider.send(new byte[] {2, (byte) i}).get(10, TimeUnit.SECONDS);
        }
        await(() -> echoed.size() == 21, "every message echoed on the direct path");
        assertThat(toProvider.contact()).isEqualTo(providerDirect);
        assertThat(providerPunch.stats()).isEqualTo(new PunchingChannel.Stats(1, 1, 0));
        assertThat(consumerPunch.stats().answered()).isEqualTo(1);
      }
    }
  }

  /** A channel the test speaks for: what the node sent, and datagrams from any contact. */
  private static final class Wire implements Channel {
    final List<Map.Entry<Contact, byte[]>> sent = new CopyOnWriteArrayList<>();
    volatile Receiver receiver;

    @Override
    public Contact localContact() {
      return Contact.parse("udp://192.0.2.10:5000");
    }

    @Override
    public void start(Receiver receiver) {
      this.receiver = receiver;
    }

    @Override
    public void send(Contact to, byte[] datagram) {
      sent.add(Map.entry(to, datagram));
    }

    void from(String contact, byte[] datagram) {
      receiver.receive(datagram, Contact.parse(contact));
    }

    @Override
    public void close() {}
  }

  private static byte[] nonce(int n) {
    return ByteBuffer.allocate(PunchFrames.NONCE_BYTES).putInt(n).array();
  }

  private static InetSocketAddress at(String ip, int port) {
    return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
  }

  @Test
  void whatAStrangerSendsIsRefusedByReasonAndNeverAnsweredWithMore() throws Exception {
    Wire wire = new Wire();
    PunchingChannel node = new PunchingChannel(wire, Optional::empty);
    List<Contact> moved = new CopyOnWriteArrayList<>();
    node.onDirectPath((peer, path) -> moved.add(path));
    List<byte[]> passed = new CopyOnWriteArrayList<>();
    node.start((datagram, from) -> passed.add(datagram));
    Address provider = PrivateKey.generate(new SecureRandom()).address();
    String relay = "udp://198.51.100.7:40000";
    int received = 0;

    // a PUNCH from a source no identity authenticated from: no probe
    wire.from(relay, PunchFrames.punch(nonce(1), at("203.0.113.9", 5000)));
    received++;
    assertThat(node.refused(PunchRefusal.UNAUTHENTICATED_SOURCE)).isEqualTo(1);
    assertThat(wire.sent).isEmpty();

    node.authenticated(Contact.parse(relay), provider);
    // a relay on the Internet naming a host on this node's LAN or its loopback
    wire.from(relay, PunchFrames.punch(nonce(2), at("192.168.1.1", 22)));
    wire.from(relay, PunchFrames.punch(nonce(3), at("127.0.0.1", 22)));
    wire.from(relay, PunchFrames.punch(nonce(4), at("0.0.0.0", 22)));
    received += 3;
    assertThat(node.refused(PunchRefusal.NARROWER_SCOPE)).isEqualTo(3);
    assertThat(wire.sent).isEmpty();

    // one identity, many punches: eight a minute are answered, one probe each
    for (int i = 0; i < PunchingChannel.PUNCHES_PER_MINUTE + 4; i++) {
      wire.from(relay, PunchFrames.punch(nonce(100 + i), at("203.0.113.9", 6000 + i)));
      received++;
    }
    assertThat(node.refused(PunchRefusal.RATE_LIMITED)).isEqualTo(4);
    assertThat(wire.sent).hasSize(PunchingChannel.PUNCHES_PER_MINUTE);
    assertThat(wire.sent)
        .allSatisfy(
            s -> {
              assertThat(s.getValue()[0]).isEqualTo(PunchFrames.PROBE);
              assertThat(s.getKey().address().getAddress().getHostAddress())
                  .isEqualTo("203.0.113.9");
            });

    // probes and answers of no punch, from the wrong host, or through a relay
    wire.from("udp://203.0.113.9:6000", PunchFrames.probe(PunchFrames.PROBE, nonce(999)));
    wire.from("udp://203.0.113.66:6000", PunchFrames.probe(PunchFrames.ANSWER, nonce(100)));
    wire.from("udp://203.0.113.66:6000", PunchFrames.probe(PunchFrames.PROBE, nonce(100)));
    wire.from(relay, PunchFrames.probe(PunchFrames.ANSWER, nonce(100)));
    wire.from("udp://203.0.113.9:6000", new byte[] {PunchFrames.PUNCH, 1, 2});
    received += 5;
    assertThat(node.refused(PunchRefusal.UNKNOWN_NONCE)).isEqualTo(1);
    assertThat(node.refused(PunchRefusal.WRONG_SOURCE)).isEqualTo(3);
    assertThat(node.refused(PunchRefusal.MALFORMED)).isEqualTo(1);
    assertThat(moved).isEmpty();
    assertThat(passed).as("punch frames never reach the dialogues").isEmpty();

    // the real answer, from the punch's host (a symmetric router may give another port)
    wire.from("udp://203.0.113.9:7777", PunchFrames.probe(PunchFrames.ANSWER, nonce(100)));
    received++;
    await(() -> moved.size() == 1, "the path is told");
    assertThat(moved.getFirst()).isEqualTo(Contact.parse("udp://203.0.113.9:7777"));
    assertThat(node.stats()).isEqualTo(new PunchingChannel.Stats(0, 0, 1));
    assertThat(wire.sent.size()).isLessThanOrEqualTo(received);

    // anything else passes up untouched
    wire.from(relay, new byte[] {8, 1, 2, 3});
    assertThat(passed).hasSize(1);
    node.close();
  }

  @Test
  void scopesRankLoopbackLinkPrivateAndGlobal() {
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("127.0.0.1"))).isZero();
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("::1"))).isZero();
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("169.254.1.1"))).isEqualTo(1);
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("fe80::1"))).isEqualTo(1);
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("10.1.2.3"))).isEqualTo(2);
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("100.64.0.1"))).isEqualTo(2);
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("fd00::1"))).isEqualTo(2);
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("100.128.0.1"))).isEqualTo(3);
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("203.0.113.9"))).isEqualTo(3);
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("2001:db8::1"))).isEqualTo(3);
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("224.0.0.1"))).isEqualTo(-1);
    assertThat(PunchFrames.scope(InetAddress.ofLiteral("::"))).isEqualTo(-1);
  }
}
