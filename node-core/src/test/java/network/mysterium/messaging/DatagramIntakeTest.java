package network.mysterium.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.channel.Contact;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The receive thread's part of taking a datagram: screen, per-source bucket, bounded queue. The
 * opening side here is stuck (as when the node's worker is busy with ECDH): the receive thread must
 * still never wait, and one source's flood must not take the others' share.
 */
class DatagramIntakeTest {
  private final SecureRandom random = new SecureRandom();
  private final PrivateKey alice = PrivateKey.generate(random);
  private final PrivateKey bob = PrivateKey.generate(random);
  private final Messenger receiver =
      new Messenger(
          bob,
          MessengerTest.known(Map.of(alice.address(), alice.publicKey())),
          true,
          Duration.ofSeconds(30),
          Clock.systemUTC(),
          random);
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Contact> opened = new CopyOnWriteArrayList<>();

  @AfterEach
  void destroy() {
    release.countDown();
    alice.destroy();
    bob.destroy();
  }

  private byte[] sealed() throws Exception {
    Messenger sender =
        new Messenger(
            alice,
            MessengerTest.known(Map.of(bob.address(), bob.publicKey())),
            false,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    return sender.seal(bob.address(), "test", new byte[50]);
  }

  private static Contact from(String address) throws Exception {
    return new Contact("udp", new InetSocketAddress(InetAddress.getByName(address), 4000));
  }

  private DatagramIntake intake(DatagramIntake.Limits limits) {
    return new DatagramIntake(
        receiver,
        (datagram, source) -> {
          opened.add(source);
          try {
            release.await(); // the worker is stuck on the first datagram
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        limits);
  }

  @Test
  void aFloodFromOneSourceIsCutAtItsRateAndQueueWhileAnotherSourceIsStillTaken() throws Exception {
    // rate 0 after a burst of 10: the flooding source gets 10 datagrams in, whatever it sends
    try (DatagramIntake intake = intake(new DatagramIntake.Limits(64, 64, 0, 10, 16))) {
      byte[] datagram = sealed();
      Contact flooder = from("192.0.2.1");
      for (int i = 0; i < 10_000; i++) {
        intake.receive(datagram, flooder); // returns at once although nothing is opened
      }
      assertThat(receiver.rejections().get(Rejection.RATE_LIMITED)).isEqualTo(10_000 - 10);
      intake.receive(datagram, from("192.0.2.2"));
      await(() -> !opened.isEmpty());
      // the first is being opened (stuck), the other nine of the burst and the second source wait
      assertThat(intake.queued()).isEqualTo(10);
      assertThat(receiver.rejections().get(Rejection.OVERLOADED)).isZero();
    }
  }

  @Test
  void aFullQueueDropsWithoutWaitingAndGarbageNeverReachesIt() throws Exception {
    try (DatagramIntake intake = intake(new DatagramIntake.Limits(4, 4, 1e9, 1e9, 16))) {
      byte[] datagram = sealed();
      byte[] garbage = new byte[300];
      random.nextBytes(garbage);
      for (int i = 0; i < 1000; i++) {
        intake.receive(garbage, from("192.0.2.9"));
      }
      assertThat(receiver.rejections().get(Rejection.MALFORMED)).isEqualTo(1000);
      assertThat(intake.queued()).isZero();
      intake.receive(datagram, from("192.0.2.1"));
      await(() -> !opened.isEmpty()); // the worker holds it, stuck
      for (int i = 1; i < 100; i++) {
        intake.receive(datagram, from("192.0.2.1"));
      }
      // one in the worker's hands, four queued, the rest dropped and counted
      assertThat(intake.queued()).isEqualTo(4);
      assertThat(receiver.rejections().get(Rejection.OVERLOADED)).isEqualTo(100 - 1 - 4);
    }
  }

  @Test
  void aFloodingSourceHoldsOnlyItsShareOfTheQueueAndAnotherSourceIsOpenedNext() throws Exception {
    try (DatagramIntake intake = intake(new DatagramIntake.Limits(64, 8, 1e9, 1e9, 16))) {
      byte[] datagram = sealed();
      Contact flooder = from("192.0.2.1");
      intake.receive(datagram, flooder);
      await(() -> !opened.isEmpty()); // the worker holds the first, stuck
      for (int i = 0; i < 100; i++) {
        intake.receive(datagram, flooder);
      }
      assertThat(intake.queued()).isEqualTo(8); // the flooder's share; the rest dropped
      assertThat(receiver.rejections().get(Rejection.OVERLOADED)).isEqualTo(100 - 8);
      intake.receive(datagram, from("192.0.2.2")); // room is left for everyone else
      assertThat(intake.queued()).isEqualTo(9);
      release.countDown();
      await(() -> opened.size() == 10);
      // the other source's datagram came after eight of the flooder's, and is opened right after
      // the one in hand and at most one more of the flooder's
      assertThat(opened.subList(1, 3))
          .extracting(c -> c.address().getAddress().getHostAddress())
          .contains("192.0.2.2");
    }
  }

  @Test
  void spoofedSourcesChurnTheBucketsButCannotGrowThem() throws Exception {
    try (DatagramIntake intake = intake(new DatagramIntake.Limits(4, 4, 1e9, 1e9, 16))) {
      byte[] garbage = sealed();
      garbage[garbage.length - 1] ^= 1; // passes the screen, would fail the MAC
      for (int i = 0; i < 5000; i++) {
        intake.receive(
            garbage,
            new Contact(
                "udp",
                new InetSocketAddress(
                    InetAddress.getByAddress(
                        new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}),
                    1)));
      }
      assertThat(intake.sources()).isLessThanOrEqualTo(16);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
