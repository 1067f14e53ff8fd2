package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property-based invariants of Payments and the identity registry on a real anvil: random sequences
 * (three consumers, one never registered, two providers, a relay) of deposits, withdrawal requests
 * (over the balance, wrongly signed, replayed, next nonce), completions (before and after the
 * notice, by third parties), clearings (stale and replayed serials, partial with a short balance,
 * swapped signatures, claimed by another benefiter, a partial flag the benefiter did not sign,
 * forged promises, relayed), batch clearings (replays, the same pair twice, zero, short, forged and
 * garbled signatures, a stranger's batch), registrations and re-registrations after a default,
 * registration value changes, fee increases (scheduled), decreases (at once), applyScheduledFee
 * before and after its time, collectFees and clock moves, checked against a model after every step
 * ({@link PaymentsWalk}). The batch rules are named attacks in {@link BatchClearingAttacksTest}.
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

  // ---- the attacks the walk covers, by name ----

  @Test
  void aClearingRelayedByAThirdPartyPaysTheBenefiterNotTheRelay() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    PrivateKey relay = identity(10);
    deposit(consumer, consumer, MYST.multiply(BigInteger.TEN));
    deposit(relay, relay, MYST);
    BigInteger relayTokens = token.balanceOf(relay.address().toString());
    BigInteger two = MYST.multiply(BigInteger.TWO);
    payments.clearPromise(
        credentials(relay),
        consumer.address().toString(),
        provider.address().toString(),
        BigInteger.ONE,
        two,
        false,
        promise(consumer, consumer, provider, 1, two),
        clearing(provider, consumer, provider, 1, two, false));
    assertThat(payments.balanceOf(provider.address().toString())).isEqualTo(two.subtract(fee(two)));
    assertThat(payments.balanceOf(relay.address().toString())).isEqualTo(MYST);
    assertThat(token.balanceOf(relay.address().toString())).isEqualTo(relayTokens);
  }

  @Test
  void swappedSignaturesOrAPromiseClaimedByAnotherBenefiterAreRefused() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    PrivateKey other = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.TEN));
    byte[] promise = promise(consumer, consumer, provider, 1, MYST);
    byte[] claim = clearing(provider, consumer, provider, 1, MYST, false);
    assertReverts(
        () -> submit(provider, consumer, provider, false, claim, promise),
        "InvalidIssuerSignature");
    // the other provider signs its own claim to the promise made to the first
    byte[] otherClaim = clearing(other, consumer, other, 1, MYST, false);
    assertReverts(
        () -> submit(other, consumer, other, false, promise, otherClaim), "InvalidIssuerSignature");
    assertThat(payments.balanceOf(consumer.address().toString()))
        .isEqualTo(MYST.multiply(BigInteger.TEN));
  }

  @Test
  void aPartialClearingForfeitsTheRestOfItsSerial() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    BigInteger three = MYST.multiply(BigInteger.valueOf(3));
    deposit(consumer, consumer, MYST);
    clear(consumer, provider, 1, three, true);
    assertThat(payments.balanceOf(provider.address().toString()))
        .isEqualTo(MYST.subtract(fee(MYST)));
    deposit(consumer, consumer, three);
    // the rest of serial 1, even promised higher, never clears: the serial is spent
    assertReverts(() -> clear(consumer, provider, 1, three.add(MYST), false), "SerialNotAbove");
    assertThat(payments.balanceOf(consumer.address().toString())).isEqualTo(three);
  }

  @Test
  void aDueFeeIncreaseAppliesToNoClearingBeforeApplyScheduledFee() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.TEN));
    payments.setFee(deployer, feeAccount.toString(), FEE_BPS * 4);
    client.advanceTimeOnDevChain(Duration.ofSeconds(payments.withdrawalNotice() + 1));
    clear(consumer, provider, 1, MYST, false); // due, not applied: the old fee
    assertThat(payments.feesAccrued()).isEqualTo(fee(MYST));
    payments.applyScheduledFee(credentials(provider));
    clear(consumer, provider, 2, MYST, false);
    BigInteger newFee =
        MYST.multiply(BigInteger.valueOf(FEE_BPS * 4)).divide(BigInteger.valueOf(10_000));
    assertThat(payments.balanceOf(feeAccount.toString()).add(payments.feesAccrued()))
        .isEqualTo(fee(MYST).add(newFee));
  }

  @Test
  void aWithdrawalToThePaymentsContractItselfOrToNobodyIsRefused() throws Exception {
    // found by the walk: such a withdrawal completed and its MYST stayed in the contract outside
    // every account, locked for good
    PrivateKey owner = identity(100);
    deposit(owner, owner, MYST.multiply(BigInteger.TEN));
    for (Address nowhere :
        List.of(
            Address.parse(deployment.payments()),
            Address.parse("0x0000000000000000000000000000000000000000"))) {
      byte[] signature =
          sign(
              owner,
              ContractMessages.withdrawal(
                  paymentsDomain(), owner.address(), nowhere, MYST, BigInteger.ZERO));
      assertReverts(
          () ->
              payments.requestWithdrawal(
                  credentials(owner),
                  owner.address().toString(),
                  nowhere.toString(),
                  MYST,
                  signature),
          "InvalidDestination");
    }
    assertThat(payments.pendingWithdrawal(owner.address().toString()).exists()).isFalse();
    assertThat(token.balanceOf(deployment.payments()))
        .isEqualTo(
            payments
                .balanceOf(owner.address().toString())
                .add(payments.balanceOf(feeAccount.toString()))
                .add(payments.feesAccrued()));
  }

  private BigInteger fee(BigInteger paid) {
    return paid.multiply(BigInteger.valueOf(FEE_BPS)).divide(BigInteger.valueOf(10_000));
  }

  private byte[] promise(
      PrivateKey signer, PrivateKey issuer, PrivateKey benefiter, long serial, BigInteger amount) {
    return sign(
        signer,
        ContractMessages.promise(
            paymentsDomain(),
            issuer.address(),
            benefiter.address(),
            BigInteger.valueOf(serial),
            amount));
  }

  private byte[] clearing(
      PrivateKey signer,
      PrivateKey issuer,
      PrivateKey benefiter,
      long serial,
      BigInteger amount,
      boolean partial) {
    return sign(
        signer,
        ContractMessages.clearing(
            paymentsDomain(),
            issuer.address(),
            benefiter.address(),
            BigInteger.valueOf(serial),
            amount,
            partial));
  }

  private void walk(long seed, int steps) throws Exception {
    System.out.println(
        "PaymentsInvariantsTest: seed "
            + seed
            + ", "
            + steps
            + " steps (-Dinvariants.seed="
            + seed
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
