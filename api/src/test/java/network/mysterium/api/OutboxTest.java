package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A slow event client never holds the node up: offers return at once while the writer is stuck, the
 * client is dropped when its queue is full, and it ends exactly once whichever way it ends.
 */
class OutboxTest {
  @Test
  void aStuckWriterFillsItsQueueAndIsDroppedWithoutTheOfferingThreadWaiting() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch sending = new CountDownLatch(1);
    List<Outbox.End> ends = new CopyOnWriteArrayList<>();
    Outbox<Integer> outbox =
        new Outbox<>(
            4,
            Duration.ofSeconds(30),
            new Outbox.Sink<>() {
              @Override
              public void send(Integer item) throws InterruptedException {
                sending.countDown();
                stuck.await(); // a client that never reads: the write never returns
              }

              @Override
              public void idle() {}
            },
            ends::add);
    outbox.start("test-outbox");
    assertThat(outbox.offer(0)).isTrue();
    assertThat(sending.await(10, TimeUnit.SECONDS)).isTrue();
    long started = System.nanoTime();
    int accepted = 0;
    for (int i = 1; i <= 10_000; i++) {
      if (outbox.offer(i)) {
        accepted++;
      }
    }
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(accepted).isEqualTo(4); // the queue's capacity, then dropped
    assertThat(outbox.ended()).isTrue();
    assertThat(ends).containsExactly(Outbox.End.OVERFLOW);
    assertThat(tookMillis).as("10,000 offers to a stuck client").isLessThan(2_000);
    outbox.close();
    assertThat(ends).containsExactly(Outbox.End.OVERFLOW);
    stuck.countDown();
  }

  @Test
  void aFailedSendEndsItOnceAndClosingEndsItOnce() throws Exception {
    List<Outbox.End> ends = new CopyOnWriteArrayList<>();
    CountDownLatch ended = new CountDownLatch(1);
    Outbox<String> failing =
        new Outbox<>(
            8,
            Duration.ofMillis(20),
            new Outbox.Sink<>() {
              @Override
              public void send(String item) {}

              @Override
              public void idle() throws java.io.IOException {
                throw new java.io.IOException("the client went away");
              }
            },
            end -> {
              ends.add(end);
              ended.countDown();
            });
    failing.start("test-outbox");
    assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(failing.offer("late")).isFalse();
    failing.close();
    assertThat(ends).containsExactly(Outbox.End.SEND_FAILED);

    List<Outbox.End> closedEnds = new CopyOnWriteArrayList<>();
    List<String> sent = new CopyOnWriteArrayList<>();
    Outbox<String> closing =
        new Outbox<>(
            8,
            Duration.ofSeconds(30),
            new Outbox.Sink<>() {
              @Override
              public void send(String item) {
                sent.add(item);
              }

              @Override
              public void idle() {}
            },
            closedEnds::add);
    closing.start("test-outbox");
    closing.offer("a");
    ApiNode.await(() -> sent.size() == 1, Duration.ofSeconds(10), "the first item sent");
    closing.close();
    closing.close();
    assertThat(closedEnds).containsExactly(Outbox.End.CLOSED);
    assertThat(closing.offer("b")).isFalse();
  }
}
