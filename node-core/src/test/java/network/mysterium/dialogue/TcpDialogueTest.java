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
import network.mysterium.messaging.channel.TcpChannel;
import org.junit.jupiter.api.Test;

/** Dialogues over the TCP channel, for networks that block UDP. */
class TcpDialogueTest {
  private static final DialogueConfig CONFIG =
      new DialogueConfig(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5), 256);

  @Test
  void messagesFlowBothWaysOverTcpWithRepliesOnTheCallersConnection() throws Exception {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (Peers peers = new Peers()) {
      Peers.Peer alice = peers.start(TcpChannel.bind(loopback), CONFIG);
      Peers.Peer bob = peers.start(TcpChannel.bind(loopback), CONFIG);
      Contact bobContact = Contact.parse(bob.dialogues().contact().toString());
      assertThat(bobContact.type()).isEqualTo("tcp");
      List<byte[]> aliceReceived = new CopyOnWriteArrayList<>();
      Dialogue toBob =
          alice
              .dialogues()
              .open(bob.address(), bobContact, Peers.handler(aliceReceived, new ArrayList<>()))
              .get(5, TimeUnit.SECONDS);
      Dialogue toAlice = bob.dialogues().dialogueWith(alice.address()).orElseThrow();
      // Bob answers on the connection Alice opened, not on Alice's listening port.
      assertThat(toAlice.contact().address().getPort())
          .isNotEqualTo(alice.dialogues().contact().address().getPort());
      DialogueTest.exchange(toBob, toAlice, 2_000);
      awaitSize(bob.received(), 2_000, Duration.ofSeconds(10));
      awaitSize(aliceReceived, 2_000, Duration.ofSeconds(10));
      assertInOrderExactlyOnce(bob.received(), 2_000);
      assertInOrderExactlyOnce(aliceReceived, 2_000);
    }
  }
}
