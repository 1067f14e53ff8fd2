package network.mysterium.messaging;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Contact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded work for unauthenticated datagrams. The channel's receive thread only screens a datagram
 * (size, framing, recipient: no cryptography), charges its source address's token bucket and queues
 * it; one worker thread does the expensive opening, one source at a time in turn ({@link
 * FairQueue}). A full queue (in all, or the source's share) or an empty bucket drops the datagram,
 * counted ({@link Rejection#OVERLOADED}, {@link Rejection#RATE_LIMITED}): a flood from one source
 * costs the others at most their share of the queue, and the receive thread never waits on
 * cryptography, the database or the chain.
 */
public final class DatagramIntake implements Channel.Receiver, AutoCloseable {
  /** Limits; the defaults suit a node serving a few hundred peers. */
  public record Limits(
      int queue, int perSourceQueue, double perSourceRate, double perSourceBurst, int sources) {
    public static final Limits DEFAULT = new Limits(1024, 64, 2000, 4000, 4096);
  }

  private static final Logger LOG = LoggerFactory.getLogger(DatagramIntake.class);

  private record Queued(byte[] datagram, Contact from) {}

  private final Messenger messenger;
  private final Channel.Receiver opened;
  private final Limits limits;
  private final FairQueue<Queued> queue;
  private final Map<InetAddress, TokenBucket> buckets;
  private final Thread worker;
  private volatile boolean open = true;

  /**
   * @param opened receives screened datagrams on the intake's worker thread
   */
  public DatagramIntake(Messenger messenger, Channel.Receiver opened, Limits limits) {
    this.messenger = messenger;
    this.opened = opened;
    this.limits = limits;
    this.queue = new FairQueue<>(limits.queue(), limits.perSourceQueue());
    // Least recently heard first out: spoofed sources cannot grow the map, only churn it.
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, TokenBucket> eldest) {
            return size() > limits.sources();
          }
        };
    this.worker = Thread.ofPlatform().name("datagram-intake").daemon().start(this::work);
  }

  /** On the channel's thread: cheap checks, rate limit, queue. Never blocks. */
  @Override
  public void receive(byte[] datagram, Contact from) {
    if (messenger.screen(datagram) != null) {
      return; // counted by the messenger
    }
    if (!admit(from.address().getAddress())) {
      messenger.countDropped(Rejection.RATE_LIMITED);
      return;
    }
    if (!queue.offer(from.address().getAddress(), new Queued(datagram, from))) {
      messenger.countDropped(Rejection.OVERLOADED);
    }
  }

  private boolean admit(InetAddress source) {
    long now = System.nanoTime();
    synchronized (buckets) {
      return buckets
          .computeIfAbsent(
              source, s -> new TokenBucket(limits.perSourceRate(), limits.perSourceBurst(), now))
          .take(now);
    }
  }

  private void work() {
    while (open) {
      Queued next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        opened.receive(next.datagram(), next.from());
      } catch (RuntimeException e) {
        LOG.warn("handling a datagram from {} failed: {}", next.from(), e.toString());
      }
    }
  }

  /** Source addresses with a bucket now (at most {@link Limits#sources}). */
  public int sources() {
    synchronized (buckets) {
      return buckets.size();
    }
  }

  /** Datagrams waiting to be opened. */
  public int queued() {
    return queue.size();
  }

  @Override
  public void close() {
    open = false;
    worker.interrupt();
    queue.clear();
  }

  /** Tokens refill at a rate up to a burst; each datagram takes one. */
  static final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(double perSecond, double burst, long now) {
      this.ratePerNano = perSecond / 1e9;
      this.burst = burst;
      this.tokens = burst;
      this.lastNanos = now;
    }

    boolean take(long now) {
      tokens = Math.min(burst, tokens + (now - lastNanos) * ratePerNano);
      lastNanos = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }
}
