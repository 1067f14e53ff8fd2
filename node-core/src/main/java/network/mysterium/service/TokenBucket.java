package network.mysterium.service;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A session's announced bandwidth as a token bucket of bytes: refilled at the rate, holding at most
 * a burst. Stream services wait for their turn ({@link #take}); packet services drop what is over
 * the rate ({@link #tryTake}), which TCP inside the tunnel reads as congestion.
 */
public final class TokenBucket {
  private static final long NANOS = TimeUnit.SECONDS.toNanos(1);

  private final long bytesPerSecond;
  private final long burst;
  private final LongSupplier clock;
  private long tokens;
  private long refilledAt;

  /**
   * @param bytesPerSecond the rate (positive)
   * @param burst how many bytes may pass at once after a pause (at least one packet or chunk)
   */
  public TokenBucket(long bytesPerSecond, long burst, LongSupplier clock) {
    if (bytesPerSecond <= 0 || burst <= 0) {
      throw new IllegalArgumentException("a positive rate and burst");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.refilledAt = clock.getAsLong();
  }

  /**
   * A bucket for an announced bandwidth in kbit/s, with a quarter second's burst (16 KiB at least).
   */
  public static TokenBucket ofKbps(long kbps) {
    long rate = Math.max(1, kbps * 1000 / 8);
    return new TokenBucket(rate, Math.max(16 * 1024, rate / 4), System::nanoTime);
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** Takes the bytes if the rate allows them now; false (and nothing taken) if it does not. */
  public synchronized boolean tryTake(long bytes) {
    refill();
    if (tokens < bytes) {
      return false;
    }
    tokens -= bytes;
    return true;
  }

  /**
   * Takes the bytes, going into debt, and waits until the debt is paid back at the rate (a chunk
   * larger than the burst still passes, followed by the pause it costs).
   */
  public void take(long bytes) throws InterruptedException {
    long waitNanos;
    synchronized (this) {
      refill();
      tokens -= bytes;
      waitNanos = tokens >= 0 ? 0 : (long) Math.ceil(-tokens * (double) NANOS / bytesPerSecond);
    }
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }

  private void refill() {
    long now = clock.getAsLong();
    long elapsed = now - refilledAt;
    if (elapsed <= 0) {
      return;
    }
    double earned = (double) elapsed * bytesPerSecond / NANOS;
    if (tokens + earned >= burst) {
      tokens = burst;
      refilledAt = now;
      return;
    }
    long whole = (long) earned;
    if (whole > 0) { // the fraction of a byte stays earned for the next refill
      tokens += whole;
      refilledAt += (long) (whole * (double) NANOS / bytesPerSecond);
    }
  }
}
