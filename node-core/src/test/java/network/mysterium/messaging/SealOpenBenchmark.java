package network.mysterium.messaging;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.PrivateKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: sealing and opening one envelope (sign + ECIES, decrypt + recover + replay check), with a
 * bare secp256k1 signature as the in-run reference. Run through {@code MessagingBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SealOpenBenchmark {
  private Messenger alice;
  private Messenger bob;
  private PrivateKey signer;
  private byte[] hash;
  private final byte[] payload = new byte[200];

  @Setup
  public void setUp() {
    SecureRandom random = new SecureRandom();
    PrivateKey a = PrivateKey.generate(random);
    PrivateKey b = PrivateKey.generate(random);
    PublicKeyDirectory keys =
        MessengerTest.known(Map.of(a.address(), a.publicKey(), b.address(), b.publicKey()));
    // a long freshness window: the benchmark opens many messages, each with a new id
    alice = new Messenger(a, keys, true, Duration.ofDays(1), Clock.systemUTC(), random);
    bob = new Messenger(b, keys, true, Duration.ofDays(1), Clock.systemUTC(), random);
    signer = a;
    hash = new byte[32];
    random.nextBytes(hash);
  }

  @Benchmark
  public Message sealAndOpen() throws RejectedDatagramException {
    return bob.open(alice.seal(bob.address(), "bench", payload));
  }

  @Benchmark
  public Object referenceSignature() {
    return signer.sign(hash);
  }
}
