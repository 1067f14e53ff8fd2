package network.mysterium.dialogue;

import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a bad path does to datagrams: loses some, duplicates some, and delays each by a random time
 * (which reorders them). Seeded, so a failing run can be repeated.
 */
final class Impairment implements AutoCloseable {
  volatile double loss;
  volatile double duplication;
  volatile int maxDelayMillis;

  private final Random random;
  private final ScheduledExecutorService wire = Executors.newSingleThreadScheduledExecutor();

  Impairment(double loss, double duplication, int maxDelayMillis, long seed) {
    this.loss = loss;
    this.duplication = duplication;
    this.maxDelayMillis = maxDelayMillis;
    this.random = new Random(seed);
  }

  /** Runs {@code deliver} zero, one or two times, each after its own random delay. */
  void carry(Runnable deliver) {
    int copies;
    synchronized (random) {
      if (random.nextDouble() < loss) {
        return;
      }
      copies = random.nextDouble() < duplication ? 2 : 1;
    }
    for (int i = 0; i < copies; i++) {
      int delay;
      synchronized (random) {
        delay = maxDelayMillis == 0 ? 0 : random.nextInt(maxDelayMillis + 1);
      }
      wire.schedule(deliver, delay, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    wire.shutdownNow();
  }
}
