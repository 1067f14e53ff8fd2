package network.mysterium.crypto;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Signing and recovery on one core, libsecp256k1 against Bouncy Castle in the same run: medians of
 * 7 rounds of 2,000 operations. {@code ./mvnw -pl node-core -am test -Pbenchmarks
 * -Dtest=Secp256k1Benchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class Secp256k1Benchmark {
  private static final int N = 2_000;

  @Test
  void signAndRecover() throws Exception {
    SecureRandom random = new SecureRandom();
    byte[][] hashes = new byte[N][32];
    Signature[] signatures = new Signature[N];
    try (PrivateKey key = PrivateKey.generate(random)) {
      for (int i = 0; i < N; i++) {
        random.nextBytes(hashes[i]);
        signatures[i] = key.sign(hashes[i]);
      }
      double nativeSign = median(() -> key.sign(hashes[0]));
      double javaSign = median(() -> key.signInJava(hashes[0]));
      double nativeRecover = median(i -> signatures[i].recoverPublicKey(hashes[i]));
      double javaRecover = median(i -> signatures[i].recoverInJava(hashes[i]));
      System.out.printf(
          "BENCHMARK secp256k1 one core, median of 7 x %d: sign %.0f/s native vs %.0f/s Java"
              + " (x%.1f); recover %.0f/s native vs %.0f/s Java (x%.1f)%n",
          N,
          nativeSign,
          javaSign,
          nativeSign / javaSign,
          nativeRecover,
          javaRecover,
          nativeRecover / javaRecover);
    }
  }

  private interface Op {
    void run(int i) throws Exception;
  }

  private static double median(Runnable op) throws Exception {
    return median(i -> op.run());
  }

  private static double median(Op op) throws Exception {
    List<Double> rates = new ArrayList<>();
    for (int round = 0; round < 8; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < N; i++) {
        op.run(i);
      }
      if (round > 0) { // the first round warms up
        rates.add(N / ((System.nanoTime() - t0) / 1e9));
      }
    }
    return rates.stream().sorted().toList().get(rates.size() / 2);
  }
}
