package network.mysterium.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

class PeerRatesTest {
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong now = new AtomicLong(123_456_789L);

  private Address peer() {
    try (PrivateKey key = PrivateKey.generate(random)) {
      return key.address();
    }
  }

  private int taken(PeerRates rates, Address peer, int tries) {
    int taken = 0;
    for (int i = 0; i < tries; i++) {
      taken += rates.tryTake(peer) ? 1 : 0;
    }
    return taken;
  }

  @Test
  void aPeerGetsItsBurstThenItsRateAndOthersKeepTheirOwn() {
    PeerRates rates = new PeerRates(10, 64, 16, now::get);
    Address flooder = peer();
    Address other = peer();

    assertThat(taken(rates, flooder, 500)).isEqualTo(64);
    assertThat(taken(rates, other, 3)).isEqualTo(3);

    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500)); // 15 more at 10 a second
    assertThat(taken(rates, flooder, 500)).isEqualTo(15);

    now.addAndGet(TimeUnit.HOURS.toNanos(1)); // a long pause earns the burst, no more
    assertThat(taken(rates, flooder, 500)).isEqualTo(64);
  }

  @Test
  void atMostTheGivenNumberOfPeersIsTrackedTheLeastRecentlyHeardForgottenFirst() {
    PeerRates rates = new PeerRates(1, 2, 100, now::get);
    Address kept = peer();
    assertThat(taken(rates, kept, 5)).isEqualTo(2);
    for (int i = 0; i < 1000; i++) {
      rates.tryTake(peer());
      if (i % 50 == 0) {
        assertThat(rates.tryTake(kept)).as("still empty: heard recently, so kept").isFalse();
      }
      assertThat(rates.tracked()).isLessThanOrEqualTo(100);
    }
    assertThat(rates.tracked()).isEqualTo(100);
  }

  @Test
  void aRateBurstOrPeerCountBelowOneIsRefused() {
    assertThatThrownBy(() -> new PeerRates(0, 1, 1, now::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PeerRates(1, 0, 1, now::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PeerRates(1, 1, 0, now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
