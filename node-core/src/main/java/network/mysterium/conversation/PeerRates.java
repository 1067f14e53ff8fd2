package network.mysterium.conversation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import network.mysterium.crypto.Address;

/**
 * A request rate per peer identity: a token bucket each, refilled at a rate up to a burst, each
 * request taking one. At most {@code peers} buckets are kept, the least recently used forgotten
 * first, so memory stays bounded however many identities ask; a forgotten peer starts again with a
 * full bucket, which costs whoever cycles identities to get it one registration (a stake) each.
 */
public final class PeerRates {
  private final double perNano;
  private final double burst;
  private final LongSupplier nanos;
  private final Map<Address, Bucket> buckets;

  /**
   * @param perSecond requests a second each peer may make after its burst (positive)
   * @param burst requests a peer may make at once (at least 1)
   * @param peers most peers tracked at once (at least 1)
   * @param nanos the clock, in nanoseconds ({@code System::nanoTime})
   */
  public PeerRates(double perSecond, int burst, int peers, LongSupplier nanos) {
    if (!(perSecond > 0) || burst < 1 || peers < 1) {
      throw new IllegalArgumentException("a positive rate, a burst and peers of at least 1");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanos = nanos;
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Address, Bucket> eldest) {
            return size() > peers;
          }
        };
  }

  /** Takes one request from the peer's bucket: false (nothing taken) when it is empty. */
  public synchronized boolean tryTake(Address peer) {
    long now = nanos.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(peer, p -> new Bucket(burst, now));
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) * perNano);
    bucket.at = now;
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  /** Peers with a bucket now. */
  public synchronized int tracked() {
    return buckets.size();
  }

  private static final class Bucket {
    private double tokens;
    private long at;

    private Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }
}
