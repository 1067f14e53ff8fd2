package network.mysterium.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.InvalidSignatureException;
import network.mysterium.crypto.Signature;
import network.mysterium.service.TokenBucket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay's REGISTER frames: cheap checks first (size, time, nonce, rate per source address), on
 * the relay's thread; then the one signature recovery and the admission, on a worker of their own
 * with a short queue; what is verified and admitted goes back to the relay's thread.
 */
final class RelayRegistrations implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

  /** A registration verified and admitted (called on the verifier's thread). */
  @FunctionalInterface
  interface Verified {
    void admitted(Address identity, byte[] nonce, InetSocketAddress from);
  }

  private final InetSocketAddress relay;
  private final RelayServer.Admission admission;
  private final RelayServer.Limits limits;
  private final RelayRefusals refusals;
  private final Verified verified;
  private final Clock clock = Clock.systemUTC();

  /** Touched by the relay's thread only. */
  private final Map<InetAddress, TokenBucket> rates = bounded(4096);

  private final Map<ByteBuffer, Long> seenNonces = bounded(65_536);

  /** Signature recoveries and admissions: one worker, a short queue (a flood waits for nothing). */
  private final ThreadPoolExecutor verifiers =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(64),
          Thread.ofPlatform().name("relay-verifier").daemon().factory());

  RelayRegistrations(
      InetSocketAddress relay,
      RelayServer.Admission admission,
      RelayServer.Limits limits,
      RelayRefusals refusals,
      Verified verified) {
    this.relay = relay;
    this.admission = admission;
    this.limits = limits;
    this.refusals = refusals;
    this.verified = verified;
  }

  static <K, V> Map<K, V> bounded(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }

  /** On the relay's thread: a REGISTER frame after its first byte. */
  void register(ByteBuffer frame, InetSocketAddress from) {
    if (frame.remaining() != RelayFrames.REGISTER_BYTES - 1) {
      refusals.refuse(RelayRefusal.MALFORMED, from);
      return;
    }
    byte[] identityBytes = new byte[Address.LENGTH];
    frame.get(identityBytes);
    long time = frame.getLong();
    byte[] nonce = new byte[RelayFrames.NONCE_BYTES];
    frame.get(nonce);
    byte[] signature = new byte[RelayFrames.SIGNATURE_BYTES];
    frame.get(signature);
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - time) > limits.clockSkew().toSeconds()
        || seenNonces.containsKey(ByteBuffer.wrap(nonce))) {
      refusals.refuse(RelayRefusal.STALE_REGISTRATION, from);
      return;
    }
    // the rate bounds signature recoveries: only a fresh registration is charged
    TokenBucket rate =
        rates.computeIfAbsent(
            from.getAddress(),
            ip ->
                // in thousandths of a registration: a burst of five, then the rate
                new TokenBucket(
                    Math.max(1, (long) (limits.registrationsPerSecondPerSource() * 1000)),
                    5_000,
                    System::nanoTime));
    if (!rate.tryTake(1000)) {
      refusals.refuse(RelayRefusal.REGISTRATION_RATE, from);
      return;
    }
    Address identity = Address.of(identityBytes);
    try {
      // the signature and the admission (a database lookup) run off this thread, which serves
      // every datagram; what they decide comes back there, where the allocations live
      verifiers.execute(() -> verify(identity, time, nonce, signature, from));
    } catch (RejectedExecutionException e) {
      refusals.refuse(RelayRefusal.BUSY, from);
    }
  }

  /** On the relay's thread: whether the nonce is used for the first time (and now it is). */
  boolean firstUse(byte[] nonce) {
    return seenNonces.putIfAbsent(ByteBuffer.wrap(nonce), System.nanoTime()) == null;
  }

  private void verify(
      Address identity, long time, byte[] nonce, byte[] signature, InetSocketAddress from) {
    try {
      Address signer =
          Signature.parse(signature)
              .recoverAddress(RelayFrames.registrationDigest(relay, identity, time, nonce));
      if (!signer.equals(identity)) {
        refusals.refuse(RelayRefusal.BAD_SIGNATURE, from);
        return;
      }
    } catch (InvalidSignatureException | IllegalArgumentException e) {
      refusals.refuse(RelayRefusal.BAD_SIGNATURE, from);
      return;
    }
    boolean admitted;
    try {
      admitted = admission.admits(identity);
    } catch (RuntimeException e) {
      LOG.debug("relay {}: admission of {} failed: {}", relay, identity, e.toString());
      admitted = false;
    }
    if (!admitted) {
      refusals.refuse(RelayRefusal.NOT_ADMITTED, from);
      return;
    }
    verified.admitted(identity, nonce, from);
  }

  @Override
  public void close() {
    verifiers.shutdownNow();
  }
}
