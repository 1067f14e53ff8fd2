package network.mysterium.dialogue;

import static network.mysterium.dialogue.DialogueTest.assertInOrderExactlyOnce;
import static network.mysterium.dialogue.DialogueTest.awaitSize;
import static network.mysterium.dialogue.DialogueTest.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import network.mysterium.messaging.channel.UdpChannel;
import org.junit.jupiter.api.Test;

/** What one hostile or slow peer can do to a node's dialogues: little, and only to its own. */
class DialogueLimitsTest {
  /** Small window, short send timeout and few transmissions, to see the limits quickly. */
  private static final DialogueConfig TIGHT =
      new DialogueConfig(
          Duration.ofMillis(100),
          Duration.ofSeconds(5),
          Duration.ofSeconds(3),
          4,
          Duration.ofMillis(300),
          5,
          8);

  private static UdpChannel udp() throws Exception {
    return UdpChannel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @Test
  void aPeerThatKeepsAliveButNeverAcknowledgesTimesSendsOutAndIsClosedWhileOthersFlow()
      throws Exception {
    try (Peers peers = new Peers();
        SilentPeer silent = new SilentPeer(peers)) {
      Peers.Peer alice = peers.start(udp(), TIGHT);
      Peers.Peer bob = peers.start(udp(), TIGHT);
      List<String> closed = new CopyOnWriteArrayList<>();
      Dialogue toSilent =
          alice
              .dialogues()
              .open(silent.address(), silent.contact(), Peers.handler(new ArrayList<>(), closed))
              .get(5, TimeUnit.SECONDS);
      Dialogue toBob = alice.open(bob).get(5, TimeUnit.SECONDS);
      for (int i = 0; i < TIGHT.window(); i++) {
        toSilent.send(number(i));
      }
      long start = System.nanoTime();
      CompletableFuture<Void> blocked = toSilent.send(number(99));
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThatThrownBy(blocked::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(DialogueBusyException.class);
      assertThat(waitedMillis).isBetween(250L, 3_000L);
      // the silent peer does not stall the node's other dialogues
      for (int i = 0; i < 20; i++) {
        toBob.send(number(i)).get(5, TimeUnit.SECONDS);
      }
      awaitSize(closed, 1, Duration.ofSeconds(20));
      assertThat(closed).singleElement().asString().contains("acknowledged nothing");
      assertThat(toSilent.state()).isEqualTo(Dialogue.State.CLOSED);
      assertThat(silent.dataReceived.get()).isGreaterThanOrEqualTo(TIGHT.maxTransmissions());
      awaitSize(bob.received(), 20, Duration.ofSeconds(5));
      assertInOrderExactlyOnce(bob.received(), 20);
    }
  }

  @Test
  void aSlowApplicationGetsNoMoreAcknowledgedThanItsInboxHoldsAndLosesNothing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<byte[]> received = Collections.synchronizedList(new ArrayList<>());
    Dialogue.Handler slow =
        new Dialogue.Handler() {
          @Override
          public void onMessage(Dialogue dialogue, byte[] payload) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            received.add(payload);
          }
        };
    DialogueConfig config =
        new DialogueConfig(
            Duration.ofMillis(100),
            Duration.ofSeconds(20),
            Duration.ofSeconds(3),
            64,
            Duration.ofSeconds(10),
            50,
            8);
    try (Peers peers = new Peers()) {
      Peers.Peer alice = peers.start(udp(), config);
      Peers.Peer bob = peers.start(udp(), config, slow);
      Dialogue toBob = alice.open(bob).get(5, TimeUnit.SECONDS);
      List<CompletableFuture<Void>> sent = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        sent.add(toBob.send(number(i)));
      }
      // one message in the handler plus a full inbox, and no more, while the handler is stuck
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < deadline) {
        assertThat(sent.stream().filter(CompletableFuture::isDone).count())
            .isLessThanOrEqualTo(1 + config.inbox());
        Thread.sleep(20);
      }
      assertThat(sent.stream().filter(CompletableFuture::isDone).count())
          .isEqualTo(1 + config.inbox());
      release.countDown();
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      awaitSize(received, 40, Duration.ofSeconds(5));
      assertInOrderExactlyOnce(received, 40);
    }
  }
}
