package network.mysterium.dialogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import network.mysterium.messaging.channel.Contact;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DialogueTest {
  private static final DialogueConfig FAST =
      new DialogueConfig(
          Duration.ofMillis(100), Duration.ofMillis(600), Duration.ofSeconds(3), 256);

  /** Under heavy loss the peers are busy; silence is judged more patiently. */
  private static final DialogueConfig LOSSY =
      new DialogueConfig(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5), 256);

  private final Peers peers = new Peers();
  private LossyNetwork network;

  @AfterEach
  void close() {
    peers.close();
    if (network != null) {
      network.close();
    }
  }

  static byte[] number(int n) {
    return ByteBuffer.allocate(4).putInt(n).array();
  }

  static void assertInOrderExactlyOnce(List<byte[]> received, int count) {
    List<Integer> numbers;
    synchronized (received) {
      numbers = received.stream().map(bytes -> ByteBuffer.wrap(bytes).getInt()).toList();
    }
    java.util.TreeSet<Integer> missing = new java.util.TreeSet<>();
    for (int i = 0; i < count; i++) {
      missing.add(i);
    }
    numbers.forEach(missing::remove);
    assertThat(missing).as("messages never delivered").isEmpty();
    assertThat(received).hasSize(count);
    for (int i = 0; i < count; i++) {
      assertThat(ByteBuffer.wrap(received.get(i)).getInt()).as("message %d", i).isEqualTo(i);
    }
  }

  static void awaitSize(List<?> list, int size, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /**
   * Sends {@code count} numbered messages both ways at once and waits for every acknowledgement.
   */
  static void exchange(Dialogue a, Dialogue b, int count) throws Exception {
    CompletableFuture<Void> ab = CompletableFuture.runAsync(() -> sendAll(a, count));
    CompletableFuture<Void> ba = CompletableFuture.runAsync(() -> sendAll(b, count));
    CompletableFuture.allOf(ab, ba).get(120, TimeUnit.SECONDS);
  }

  /**
   * Sends numbered messages and waits until every one is acknowledged: a selective acknowledgement
   * can answer the last while an earlier one is still being retransmitted.
   */
  static void sendAll(Dialogue dialogue, int count) {
    try {
      List<CompletableFuture<Void>> sent = new java.util.ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        sent.add(sendWaitingForRoom(dialogue, number(i)));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A send that failed for want of room (the window stayed full past the send timeout while a
   * message needed many retransmissions) took no sequence number, so sending it again keeps the
   * order: what an application does under back-pressure.
   */
  static CompletableFuture<Void> sendWaitingForRoom(Dialogue dialogue, byte[] payload)
      throws InterruptedException {
    while (true) {
      CompletableFuture<Void> sent = dialogue.send(payload);
      if (!sent.isCompletedExceptionally()
          || !(sent.exceptionNow() instanceof DialogueBusyException)) {
        return sent;
      }
    }
  }

  @Test
  void tenThousandMessagesEachWayArriveExactlyOnceInOrderDespiteLossReorderingAndDuplication()
      throws Exception {
    network = new LossyNetwork(0.30, 0.10, 8);
    Peers.Peer alice = peers.start(network.channel(), LOSSY);
    Peers.Peer bob = peers.start(network.channel(), LOSSY);
    long start = System.nanoTime();
    List<byte[]> aliceReceived = new java.util.concurrent.CopyOnWriteArrayList<>();
    Dialogue toBob =
        alice
            .dialogues()
            .open(
                bob.address(),
                bob.dialogues().contact(),
                Peers.handler(aliceReceived, new java.util.ArrayList<>()))
            .get(10, TimeUnit.SECONDS);
    Dialogue toAlice = bob.dialogues().dialogueWith(alice.address()).orElseThrow();

    exchange(toBob, toAlice, 10_000);
    // Every message is acknowledged, so each is in the receiver's inbox: only its delivery thread
    // may still be behind (on a loaded machine), hence a patient wait for the condition.
    awaitSize(bob.received(), 10_000, Duration.ofSeconds(60));
    awaitSize(aliceReceived, 10_000, Duration.ofSeconds(60));
    assertInOrderExactlyOnce(bob.received(), 10_000);
    assertInOrderExactlyOnce(aliceReceived, 10_000);
    System.out.printf(
        "lossy exchange of 2 x 10,000 messages: %d ms%n", (System.nanoTime() - start) / 1_000_000);
  }

  @Test
  void reEstablishingReplacesTheDialogueOnBothSides() throws Exception {
    network = new LossyNetwork(0, 0, 0);
    Peers.Peer alice = peers.start(network.channel(), FAST);
    Peers.Peer bob = peers.start(network.channel(), FAST);
    Dialogue first = alice.open(bob).get(5, TimeUnit.SECONDS);
    Dialogue bobsFirst = bob.dialogues().dialogueWith(alice.address()).orElseThrow();

    Dialogue second = alice.open(bob).get(5, TimeUnit.SECONDS);
    Dialogue bobsSecond = bob.dialogues().dialogueWith(alice.address()).orElseThrow();

    assertThat(first.state()).isEqualTo(Dialogue.State.CLOSED);
    assertThat(first.closeReason()).contains("replaced");
    assertThat(bobsFirst.state()).isEqualTo(Dialogue.State.CLOSED);
    assertThat(bobsSecond).isNotSameAs(bobsFirst);
    assertThat(second.state()).isEqualTo(Dialogue.State.OPEN);
    second.send(number(0)).get(5, TimeUnit.SECONDS);
    awaitSize(bob.received(), 1, Duration.ofSeconds(5));
    assertInOrderExactlyOnce(bob.received(), 1);
  }

  @Test
  void aMovedPathThatFallsSilentFallsBackToWhereTheDialogueBegan() throws Exception {
    network = new LossyNetwork(0, 0, 0);
    Peers.Peer alice = peers.start(network.channel(), FAST);
    Peers.Peer bob = peers.start(network.channel(), FAST);
    Dialogue toBob = alice.open(bob).get(5, TimeUnit.SECONDS);
    Dialogue toAlice = bob.dialogues().dialogueWith(alice.address()).orElseThrow();
    Contact nowhere = Contact.parse("udp://198.51.100.250:4000"); // a punched path gone dark

    alice.dialogues().movePath(bob.address(), nowhere);
    bob.dialogues().movePath(alice.address(), nowhere);
    assertThat(toBob.contact()).isEqualTo(nowhere);
    assertThat(toAlice.contact()).isEqualTo(nowhere);

    // neither hears the other now: after three keep-alive periods each returns to its origin,
    // well before the silence timeout closes the dialogue
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while ((!toBob.contact().equals(toBob.origin()) || !toAlice.contact().equals(toAlice.origin()))
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(toBob.contact()).isEqualTo(bob.dialogues().contact());
    assertThat(toAlice.contact()).isEqualTo(alice.dialogues().contact());
    exchange(toBob, toAlice, 50);
    assertThat(toBob.state()).isEqualTo(Dialogue.State.OPEN);
    assertThat(toAlice.state()).isEqualTo(Dialogue.State.OPEN);
  }

  @Test
  void silenceClosesTheDialogueOnBothSides() throws Exception {
    network = new LossyNetwork(0, 0, 0);
    Peers.Peer alice = peers.start(network.channel(), FAST);
    Peers.Peer bob = peers.start(network.channel(), FAST);
    List<String> aliceClosed = new java.util.concurrent.CopyOnWriteArrayList<>();
    Dialogue toBob =
        alice
            .dialogues()
            .open(
                bob.address(),
                bob.dialogues().contact(),
                Peers.handler(new java.util.ArrayList<>(), aliceClosed))
            .get(5, TimeUnit.SECONDS);
    Dialogue toAlice = bob.dialogues().dialogueWith(alice.address()).orElseThrow();

    // Keep-alives keep an idle dialogue open: wait until each side heard enough of them to span
    // twice the silence timeout (however slowly a loaded machine runs them), never closing.
    long needed = 2 * FAST.silence().toMillis() / FAST.keepAlive().toMillis();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((toBob.keepAlivesReceived() < needed || toAlice.keepAlivesReceived() < needed)
        && System.nanoTime() < deadline) {
      assertThat(toBob.state()).isEqualTo(Dialogue.State.OPEN);
      assertThat(toAlice.state()).isEqualTo(Dialogue.State.OPEN);
      Thread.sleep(10);
    }
    assertThat(toBob.keepAlivesReceived()).isGreaterThanOrEqualTo(needed);
    assertThat(toAlice.keepAlivesReceived()).isGreaterThanOrEqualTo(needed);
    assertThat(toBob.state()).isEqualTo(Dialogue.State.OPEN);
    assertThat(toAlice.state()).isEqualTo(Dialogue.State.OPEN);

    network.impairment.loss = 1.0; // the path goes dark
    awaitSize(aliceClosed, 1, Duration.ofSeconds(3));
    awaitSize(bob.closed(), 1, Duration.ofSeconds(3));
    assertThat(toBob.state()).isEqualTo(Dialogue.State.CLOSED);
    assertThat(toAlice.state()).isEqualTo(Dialogue.State.CLOSED);
    assertThat(aliceClosed.getFirst()).contains("silent");
    assertThat(bob.closed().getFirst()).contains("silent");
  }

  @Test
  void closingOneSideClosesTheOther() throws Exception {
    network = new LossyNetwork(0, 0, 0);
    Peers.Peer alice = peers.start(network.channel(), FAST);
    Peers.Peer bob = peers.start(network.channel(), FAST);
    Dialogue toBob = alice.open(bob).get(5, TimeUnit.SECONDS);
    toBob.send(number(0)).get(5, TimeUnit.SECONDS);
    toBob.close();
    awaitSize(bob.closed(), 1, Duration.ofSeconds(3));
    assertThat(bob.closed().getFirst()).contains("closed by the peer");
    assertThatThrownBy(() -> toBob.send(number(1)).get()).isInstanceOf(ExecutionException.class);
  }

  @Test
  void closingWaitsForWhatIsInFlight() throws Exception {
    network = new LossyNetwork(0.2, 0, 2);
    Peers.Peer alice = peers.start(network.channel(), LOSSY);
    Peers.Peer bob = peers.start(network.channel(), LOSSY);
    Dialogue toBob = alice.open(bob).get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> last = null;
    for (int i = 0; i < 100; i++) {
      last = toBob.send(number(i));
    }
    toBob.close();
    assertThat(toBob.state()).isIn(Dialogue.State.CLOSING, Dialogue.State.CLOSED);
    assertThatThrownBy(() -> toBob.send(number(100)).get()).isInstanceOf(ExecutionException.class);
    last.get(20, TimeUnit.SECONDS); // everything sent before close() still arrives
    awaitSize(bob.received(), 100, Duration.ofSeconds(5));
    assertInOrderExactlyOnce(bob.received(), 100);
    awaitSize(bob.closed(), 1, Duration.ofSeconds(10));
    assertThat(toBob.state()).isEqualTo(Dialogue.State.CLOSED);
  }

  @Test
  void aPeerThatNeverAnswersFailsTheEstablishment() throws Exception {
    network = new LossyNetwork(1.0, 0, 0);
    Peers.Peer alice = peers.start(network.channel(), FAST);
    Peers.Peer bob = peers.start(network.channel(), FAST);
    CompletableFuture<Dialogue> opening = alice.open(bob);
    assertThatThrownBy(() -> opening.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(DialogueClosedException.class)
        .hasMessageContaining("did not answer");
  }
}
