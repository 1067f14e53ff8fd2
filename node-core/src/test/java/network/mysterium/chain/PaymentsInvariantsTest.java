package network.mysterium.chain;

import java.security.SecureRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property-based invariants of Payments on a real anvil: random sequences (two consumers, two
 * providers, a relay) of deposits, withdrawal requests (over the balance, wrongly signed,
 * replayed, next nonce), completions (before and after the notice, by third parties), clearings
 * (stale and replayed serials, partial with a short balance, swapped signatures, claimed by
 * another benefiter, a partial flag the benefiter did not sign, forged promises, relayed), fee
 * increases (scheduled), decreases (at once), applyScheduledFee before and after its time,
 * collectFees and clock moves, checked against a model after every step ({@link PaymentsWalk}).
 *
 * <p>Each run takes new seeds and prints them; {@code -Dinvariants.seed=N} replays one, {@code
 * -Dinvariants.steps=N} changes the walk's length. The long walk is tagged {@code fuzz-long} (kept
 * out of the normal run by the root pom) and {@code fuzz-target-payments-invariants}, which
 * node-core's {@code fuzz} profile runs in an execution of its own: {@code ./mvnw -B -ntp -o -pl
 * node-core test -Pfuzz -Dinstaller.skip -Dtest=PaymentsInvariantsTest
 * -Dsurefire.failIfNoSpecifiedTests=false} (plain JUnit, no Jazzer; {@code -Dinvariants.seeds} and
 * {@code -Dinvariants.longSteps} size it).
 */
class PaymentsInvariantsTest extends ContractsFixture {
  private static final int BRIEF_SEEDS = 3;
  private static final int BRIEF_STEPS = 60;

  static LongStream briefSeeds() {
    return seeds(BRIEF_SEEDS);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("briefSeeds")
  void aRandomWalkKeepsEveryInvariant(long seed) throws Exception {
    walk(seed, Integer.getInteger("invariants.steps", BRIEF_STEPS));
  }

  @Test
  @Tag("fuzz-long")
  @Tag("fuzz-target-payments-invariants")
  void longRandomWalksKeepEveryInvariant() throws Exception {
    int steps = Integer.getInteger("invariants.longSteps", 2000);
    long[] seeds = seeds(Integer.getInteger("invariants.seeds", 5)).toArray();
    for (int i = 0; i < seeds.length; i++) {
      if (i > 0) { // fresh contracts for each seed
        client.close();
        deploy(anvil);
      }
      walk(seeds[i], steps);
    }
  }

  private void walk(long seed, int steps) throws Exception {
    System.out.println(
        "PaymentsInvariantsTest: seed " + seed + ", " + steps + " steps (-Dinvariants.seed=" + seed
            + " replays it)");
    long start = System.nanoTime();
    PaymentsWalk walk = new PaymentsWalk(this, seed);
    walk.run(steps);
    System.out.println(
        "PaymentsInvariantsTest: seed "
            + seed
            + " passed in "
            + (System.nanoTime() - start) / 1_000_000
            + " ms: "
            + walk.outcomes());
  }

  private static LongStream seeds(int count) {
    String fixed = System.getProperty("invariants.seed");
    if (fixed != null && !fixed.isBlank()) {
      return LongStream.of(Long.parseLong(fixed.strip()));
    }
    SecureRandom random = new SecureRandom();
    return LongStream.generate(random::nextLong).limit(count);
  }
}
