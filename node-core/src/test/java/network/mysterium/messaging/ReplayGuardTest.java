package network.mysterium.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayGuardTest {
  private final SecureRandom random = new SecureRandom();
  private final PrivateKey alice = PrivateKey.generate(random);
  private final PrivateKey bob = PrivateKey.generate(random);
  private final PublicKeyDirectory everyone =
      MessengerTest.known(
          Map.of(alice.address(), alice.publicKey(), bob.address(), bob.publicKey()));
  @TempDir Path dir;

  @AfterEach
  void destroy() {
    alice.destroy();
    bob.destroy();
  }

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    volatile long millis = System.currentTimeMillis();

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  private Messenger bobWith(Clock clock, ReplayFloor floor) {
    return new Messenger(bob, everyone, true, Duration.ofSeconds(60), clock, random, floor);
  }

  @Test
  void aDatagramCapturedBeforeARestartIsRefusedAfterItWhileNewOnesOpen() throws Exception {
    MovingClock clock = new MovingClock();
    Messenger aliceSide =
        new Messenger(alice, everyone, true, Duration.ofSeconds(60), clock, random);
    Path floorFile = dir.resolve("replay-floor");
    byte[] captured = aliceSide.seal(bob.address(), "test", new byte[] {1});
    bobWith(clock, ReplayFloor.file(floorFile)).open(captured);
    assertThat(Files.size(floorFile)).isEqualTo(8);

    // The restart: a new messenger whose only memory is the file the last one left.
    Messenger restarted = bobWith(clock, ReplayFloor.file(floorFile));
    assertThatThrownBy(() -> restarted.open(captured))
        .isInstanceOfSatisfying(
            RejectedDatagramException.class,
            e -> assertThat(e.reason()).isEqualTo(Rejection.STALE));
    clock.millis += ReplayGuard.LEASE_MILLIS + 1; // past the lease the last run wrote ahead
    Message fresh = restarted.open(aliceSide.seal(bob.address(), "test", new byte[] {2}));
    assertThat(fresh.payload()).containsExactly(2);

    // Without the file the same replay gets in: what the floor is for.
    assertThat(bobWith(clock, ReplayFloor.inMemory()).open(captured).payload()).containsExactly(1);
  }

  @Test
  void afterACleanStopPeersAreHeardAtOnceAndTheCapturedDatagramStillRefused() throws Exception {
    MovingClock clock = new MovingClock();
    Messenger aliceSide =
        new Messenger(alice, everyone, true, Duration.ofSeconds(60), clock, random);
    Path floorFile = dir.resolve("replay-floor");
    byte[] captured = aliceSide.seal(bob.address(), "test", new byte[] {1});
    Messenger first = bobWith(clock, ReplayFloor.file(floorFile));
    first.open(captured);
    first.stop(); // a clean stop writes the newest accepted timestamp, not the lease ahead of it

    Messenger restarted = bobWith(clock, ReplayFloor.file(floorFile));
    assertThatThrownBy(() -> restarted.open(captured))
        .isInstanceOfSatisfying(
            RejectedDatagramException.class,
            e -> assertThat(e.reason()).isEqualTo(Rejection.STALE));
    clock.millis += 1; // the consumer's next message, a millisecond later: no lease to wait out
    Message fresh = restarted.open(aliceSide.seal(bob.address(), "test", new byte[] {2}));
    assertThat(fresh.payload()).containsExactly(2);
  }

  @Test
  void oneSenderCannotGrowTheGuardPastItsShareAndIdsExpireWithTheirTimestamps() throws Exception {
    MovingClock clock = new MovingClock();
    ReplayGuard guard =
        new ReplayGuard(clock, Duration.ofSeconds(60), ReplayFloor.inMemory(), 100, 150);
    Address a = alice.address();
    Address b = bob.address();
    for (int i = 0; i < 100; i++) {
      guard.check(a, id(i), clock.millis());
    }
    assertThatThrownBy(() -> guard.check(a, id(1000), clock.millis()))
        .isInstanceOfSatisfying(
            RejectedDatagramException.class,
            e -> assertThat(e.reason()).isEqualTo(Rejection.RATE_LIMITED));
    for (int i = 0; i < 50; i++) {
      guard.check(b, id(2000 + i), clock.millis());
    }
    assertThatThrownBy(() -> guard.check(b, id(3000), clock.millis()))
        .isInstanceOfSatisfying(
            RejectedDatagramException.class,
            e -> assertThat(e.reason()).isEqualTo(Rejection.RATE_LIMITED));
    assertThat(guard.remembered()).isEqualTo(150);
    assertThatThrownBy(() -> guard.check(b, id(2000), clock.millis()))
        .isInstanceOfSatisfying(
            RejectedDatagramException.class,
            e -> assertThat(e.reason()).isEqualTo(Rejection.REPLAYED));

    clock.millis += 60_001; // every id's timestamp has left the window: forgotten, and stale
    guard.check(a, id(4000), clock.millis());
    assertThat(guard.remembered()).isEqualTo(1);
    assertThatThrownBy(() -> guard.check(a, id(1), clock.millis() - 60_001))
        .isInstanceOfSatisfying(
            RejectedDatagramException.class,
            e -> assertThat(e.reason()).isEqualTo(Rejection.STALE));
  }

  private static byte[] id(int n) {
    byte[] id = new byte[16];
    id[12] = (byte) (n >>> 24);
    id[13] = (byte) (n >>> 16);
    id[14] = (byte) (n >>> 8);
    id[15] = (byte) n;
    return id;
  }
}
