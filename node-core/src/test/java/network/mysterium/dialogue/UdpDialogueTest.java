package network.mysterium.dialogue;

import static network.mysterium.dialogue.DialogueTest.assertInOrderExactlyOnce;
import static network.mysterium.dialogue.DialogueTest.awaitSize;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.messaging.channel.UdpChannel;
import org.junit.jupiter.api.Test;

/** Dialogues over real UDP sockets on loopback. */
class UdpDialogueTest {
  private static final DialogueConfig CONFIG =
      new DialogueConfig(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5), 256);

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  @Test
  void tenThousandMessagesThroughALossyUdpProxyArriveExactlyOnceInOrder() throws Exception {
    try (Peers peers = new Peers()) {
      Peers.Peer alice = peers.start(UdpChannel.bind(loopback()), CONFIG);
      Peers.Peer bob = peers.start(UdpChannel.bind(loopback()), CONFIG);
      try (UdpImpairmentProxy proxy =
          new UdpImpairmentProxy(bob.dialogues().contact().address(), 0.30, 0.10, 8)) {
        List<byte[]> aliceReceived = new CopyOnWriteArrayList<>();
        Dialogue toBob =
            alice
                .dialogues()
                .open(
                    bob.address(),
                    new Contact("udp", proxy.facingA()),
                    Peers.handler(aliceReceived, new ArrayList<>()))
                .get(10, TimeUnit.SECONDS);
        Dialogue toAlice = bob.dialogues().dialogueWith(alice.address()).orElseThrow();
        DialogueTest.exchange(toBob, toAlice, 10_000);
        awaitSize(bob.received(), 10_000, Duration.ofSeconds(10));
        awaitSize(aliceReceived, 10_000, Duration.ofSeconds(10));
        assertInOrderExactlyOnce(bob.received(), 10_000);
        assertInOrderExactlyOnce(aliceReceived, 10_000);
      }
    }
  }

  @Test
  void worksOverIpv6() throws Exception {
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
    try (Peers peers = new Peers()) {
      Peers.Peer alice = peers.start(UdpChannel.bind(v6), CONFIG);
      Peers.Peer bob = peers.start(UdpChannel.bind(v6), CONFIG);
      assertThat(bob.dialogues().contact().toString()).startsWith("udp://[");
      Dialogue toBob =
          alice
              .dialogues()
              .open(
                  bob.address(),
                  Contact.parse(bob.dialogues().contact().toString()),
                  Peers.handler(new ArrayList<>(), new ArrayList<>()))
              .get(5, TimeUnit.SECONDS);
      toBob.send(DialogueTest.number(0)).get(5, TimeUnit.SECONDS);
      awaitSize(bob.received(), 1, Duration.ofSeconds(5));
      assertInOrderExactlyOnce(bob.received(), 1);
    }
  }
}
