package network.mysterium.payments;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.chain.ContractMessages;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Promise sign + verify on one core (EIP-712 hashing, secp256k1 signing and recovery), with the
 * bare secp256k1 sign and recover measured in the same run as the reference. {@code ./mvnw -pl
 * node-core -am test -Pbenchmarks -Dtest=PromiseBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class PromiseBenchmark {
  private static final int N = 2_000;

  @Test
  void signAndVerify() {
    SecureRandom random = new SecureRandom();
    Promises promises =
        new Promises(
            ContractMessages.Domain.payments(
                31337, Address.parse("0x00000000000000000000000000000000000000bb")));
    try (PrivateKey issuer = PrivateKey.generate(random)) {
      Address benefiter = PrivateKey.generate(random).address();
      byte[] hash = new byte[32];
      random.nextBytes(hash);
      List<Double> promiseRates = new ArrayList<>();
      List<Double> bareRates = new ArrayList<>();
      for (int round = 0; round < 8; round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < N; i++) {
          SignedPromise signed =
              promises.sign(
                  new Promise(
                      issuer.address(),
                      benefiter,
                      1,
                      Myst.ofBaseUnits(java.math.BigInteger.valueOf(1_000 + i))),
                  issuer);
          if (!promises.isSignedByIssuer(signed)) {
            throw new AssertionError("a promise did not verify");
          }
        }
        double promiseRate = N / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        for (int i = 0; i < N; i++) {
          hash[0] = (byte) i;
          try {
            issuer.sign(hash).recoverPublicKey(hash);
          } catch (network.mysterium.crypto.InvalidSignatureException e) {
            throw new AssertionError(e);
          }
        }
        double bareRate = N / ((System.nanoTime() - t0) / 1e9);
        if (round > 0) {
          promiseRates.add(promiseRate);
          bareRates.add(bareRate);
        }
      }
      double promise = promiseRates.stream().sorted().toList().get(promiseRates.size() / 2);
      double bare = bareRates.stream().sorted().toList().get(bareRates.size() / 2);
      System.out.printf(
          "BENCHMARK promises one core, median of 7 x %d: sign + verify %.0f/s; bare secp256k1"
              + " sign + recover %.0f/s (ratio %.2f)%n",
          N, promise, bare, promise / bare);
    }
  }
}
