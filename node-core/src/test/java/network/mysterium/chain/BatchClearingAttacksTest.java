package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.math.BigInteger;
import java.util.List;
import network.mysterium.contracts.BatchClearing;
import network.mysterium.contracts.BatchClearing.IssuedPromise;
import network.mysterium.contracts.BatchClearing.NotCleared;
import network.mysterium.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/**
 * The batch-specific rules the invariant walk ({@link PaymentsInvariantsTest}) checks, each as a
 * named attack on a real anvil: a replayed serial pays nothing, a stranger's batch cannot redirect
 * a promise (nor make its issuer default), one bad promise does not stop the others, and no promise
 * takes more of a stake than half the registration value. Expected values are worked out here from
 * docs/contracts.md, never read back from the contract.
 */
class BatchClearingAttacksTest extends ContractsFixture {
  private static final BigInteger TWO = BigInteger.TWO;

  private static BigInteger myst(long n) {
    return MYST.multiply(BigInteger.valueOf(n));
  }

  private static BigInteger fee(BigInteger paid) {
    return paid.multiply(BigInteger.valueOf(FEE_BPS)).divide(BigInteger.valueOf(10_000));
  }

  private static BigInteger lessFee(BigInteger paid) {
    return paid.subtract(fee(paid));
  }

  private BigInteger balance(PrivateKey key) throws Exception {
    return payments.balanceOf(key.address().toString());
  }

  private BatchClearing.Outcome batch(PrivateKey sender, boolean partial, IssuedPromise... promises)
      throws Exception {
    return payments.clearPromises(credentials(sender), List.of(promises), partial);
  }

  private static IssuedPromise withSignature(IssuedPromise p, byte[] signature) {
    return new IssuedPromise(p.issuer(), p.serial(), p.amount(), signature);
  }

  @Test
  void aBatchReplayingAClearedSerialPaysNothing() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, myst(20));
    IssuedPromise one = issued(consumer, provider, 1, MYST);
    IssuedPromise three = issued(consumer, provider, 3, TWO.multiply(MYST));
    assertThat(batch(provider, false, one, three).cleared()).hasSize(2);
    BigInteger paidSoFar = myst(3);

    // the same signed promises, a lower serial never cleared, and serial 3 signed anew for more
    BatchClearing.Outcome replay =
        batch(provider, true, one, three, issued(consumer, provider, 2, MYST), three, one);
    BatchClearing.Outcome higher = batch(provider, false, issued(consumer, provider, 3, myst(9)));
    assertThat(replay.cleared()).isEmpty();
    assertThat(replay.skipped())
        .extracting(BatchClearing.Skipped::reason)
        .containsOnly(NotCleared.SERIAL_NOT_ABOVE)
        .hasSize(5);
    assertThat(higher.cleared()).isEmpty();

    // the same pair twice in one batch: serial 5 clears once, then 5 again and 4 are below it
    IssuedPromise five = issued(consumer, provider, 5, MYST);
    BatchClearing.Outcome twice =
        batch(provider, false, five, five, issued(consumer, provider, 4, MYST));
    assertThat(twice.cleared())
        .extracting(BatchClearing.Cleared::serial)
        .containsExactly(BigInteger.valueOf(5));
    assertThat(twice.skipped())
        .extracting(BatchClearing.Skipped::serial, BatchClearing.Skipped::reason)
        .containsExactly(
            tuple(BigInteger.valueOf(5), NotCleared.SERIAL_NOT_ABOVE),
            tuple(BigInteger.valueOf(4), NotCleared.SERIAL_NOT_ABOVE));
    paidSoFar = paidSoFar.add(MYST);

    // a serial cleared singly is as spent for a batch, and one cleared by a batch for a single
    clear(consumer, provider, 6, MYST, false);
    paidSoFar = paidSoFar.add(MYST);
    assertThat(batch(provider, true, issued(consumer, provider, 6, MYST)).cleared()).isEmpty();
    assertReverts(() -> clear(consumer, provider, 5, MYST, false), "SerialNotAbove");

    assertThat(balance(consumer)).isEqualTo(myst(20).subtract(paidSoFar));
    assertThat(balance(provider))
        .isEqualTo(lessFee(MYST).add(lessFee(myst(2))).add(lessFee(MYST)).add(lessFee(MYST)));
    assertThat(payments.lastClearedSerial(consumer.address().toString(), id(provider)))
        .isEqualTo(BigInteger.valueOf(6));
  }

  /**
   * The sender is the benefiter: whoever submits a promise made out to someone else (a stranger,
   * another provider, the issuer itself) names itself in the digest, so the issuer's signature does
   * not verify. Not even with acceptPartial against a short, registered issuer: its balance and
   * stake stay, it does not default, and the promise is still its benefiter's to clear.
   */
  @Test
  void aStrangersBatchCannotRedirectAPromiseNorMakeItsIssuerDefault() throws Exception {
    PrivateKey issuer = identity(100);
    PrivateKey other = identity(100);
    PrivateKey provider = identity(0);
    PrivateKey stranger = identity(0);
    register(issuer);
    deposit(issuer, issuer, MYST);
    deposit(other, other, myst(10));
    IssuedPromise toProvider = issued(issuer, provider, 1, myst(3));
    IssuedPromise strangersOwn = issued(other, stranger, 1, MYST);

    BatchClearing.Outcome byStranger = batch(stranger, true, toProvider, strangersOwn);
    BatchClearing.Outcome byIssuer = batch(issuer, true, toProvider);

    assertThat(byStranger.cleared())
        .extracting(BatchClearing.Cleared::issuer)
        .containsExactly(other.address().toString().toLowerCase(java.util.Locale.ROOT));
    assertThat(byStranger.skipped())
        .extracting(BatchClearing.Skipped::reason)
        .containsExactly(NotCleared.INVALID_ISSUER_SIGNATURE);
    assertThat(byIssuer.cleared()).isEmpty();
    assertThat(balance(stranger)).isEqualTo(lessFee(MYST)); // its own promise, nothing more
    assertThat(balance(issuer)).isEqualTo(MYST);
    assertThat(registry.stakeOf(id(issuer))).isEqualTo(STAKE);
    assertThat(registry.isDefaulted(id(issuer))).isFalse();
    assertThat(payments.lastClearedSerial(id(issuer), id(stranger))).isZero();

    // the benefiter still clears it: 1 MYST of balance, 2 of stake
    BatchClearing.Outcome byProvider = batch(provider, true, toProvider);
    assertThat(byProvider.cleared())
        .extracting(BatchClearing.Cleared::paid, BatchClearing.Cleared::fromStake)
        .containsExactly(tuple(myst(3), myst(2)));
    assertThat(balance(provider)).isEqualTo(lessFee(myst(3)));
    assertThat(registry.isDefaulted(id(issuer))).isTrue();
  }

  @Test
  void oneBadPromiseDoesNotStopTheOthers() throws Exception {
    PrivateKey provider = identity(0);
    PrivateKey alice = identity(100);
    PrivateKey bob = identity(100);
    PrivateKey poor = identity(100);
    deposit(alice, alice, myst(10));
    deposit(bob, bob, myst(10));
    deposit(poor, poor, MYST);
    IssuedPromise aliceOne = issued(alice, provider, 1, MYST);
    byte[] good = aliceOne.signature();
    byte[] rFlipped = good.clone();
    rFlipped[7] ^= 0x10;
    byte[] sFlipped = good.clone();
    sFlipped[50] ^= 0x01;
    byte[] parityFlipped = good.clone();
    parityFlipped[64] = (byte) (good[64] == 27 ? 28 : 27);
    byte[] rZero = good.clone();
    java.util.Arrays.fill(rZero, 0, 32, (byte) 0);
    byte[] allZero = new byte[65];
    allZero[64] = 27;
    byte[] forged =
        sign(
            identity(0),
            ContractMessages.promise(
                paymentsDomain(), alice.address(), provider.address(), BigInteger.ONE, MYST));
    IssuedPromise bobOne = issued(bob, provider, 1, TWO.multiply(MYST));

    BatchClearing.Outcome outcome =
        batch(
            provider,
            false,
            withSignature(aliceOne, rFlipped),
            bobOne,
            withSignature(aliceOne, sFlipped),
            withSignature(aliceOne, parityFlipped),
            withSignature(aliceOne, rZero),
            withSignature(aliceOne, allZero),
            // signed for 1 MYST, submitted for 5
            new IssuedPromise(id(alice), BigInteger.ONE, myst(5), good),
            withSignature(aliceOne, forged), // alice's promise, signed by mallory
            issued(alice, provider, 2, BigInteger.ZERO),
            issued(poor, provider, 1, TWO.multiply(MYST)), // short, no acceptPartial
            bobOne, // replayed within the batch
            aliceOne, // the good one, after all the bad ones
            issued(bob, provider, 2, myst(3)));

    assertThat(outcome.cleared())
        .extracting(BatchClearing.Cleared::issuer, BatchClearing.Cleared::serial)
        .containsExactly(
            tuple(lower(bob), BigInteger.ONE),
            tuple(lower(alice), BigInteger.ONE),
            tuple(lower(bob), BigInteger.TWO));
    NotCleared bad = NotCleared.INVALID_ISSUER_SIGNATURE;
    assertThat(outcome.skipped())
        .extracting(BatchClearing.Skipped::reason)
        .containsExactly(
            bad,
            bad,
            bad,
            bad,
            bad,
            bad,
            bad,
            NotCleared.ZERO_AMOUNT,
            NotCleared.INSUFFICIENT_BALANCE,
            NotCleared.SERIAL_NOT_ABOVE);
    assertThat(balance(alice)).isEqualTo(myst(9));
    assertThat(balance(bob)).isEqualTo(myst(5));
    assertThat(balance(poor)).isEqualTo(MYST);
    assertThat(balance(provider))
        .isEqualTo(lessFee(myst(2)).add(lessFee(MYST)).add(lessFee(myst(3))));
  }

  /**
   * Each promise pays at most half the registration value from the stake, and what is left of it:
   * several promises of one short issuer in a batch take it in turns, none more than the cap; a
   * re-registration adds a new stake on top, and the cap follows the registration value in force.
   */
  @Test
  void aBatchCannotTakeMoreStakeThanHalfTheRegistrationValuePerPromise() throws Exception {
    PrivateKey issuer = identity(100);
    PrivateKey provider = identity(0);
    register(issuer); // 10 MYST at stake, nothing in its account
    BigInteger cap = STAKE.divide(TWO);

    BatchClearing.Outcome outcome =
        batch(
            provider,
            true,
            issued(issuer, provider, 1, myst(8)),
            issued(issuer, provider, 2, myst(3)),
            issued(issuer, provider, 3, myst(8)),
            issued(issuer, provider, 4, myst(8)));

    // 5 (the cap), 3, then the 2 left, then nothing: the serial is spent all the same
    assertThat(outcome.cleared())
        .extracting(BatchClearing.Cleared::paid, BatchClearing.Cleared::fromStake)
        .containsExactly(
            tuple(cap, cap),
            tuple(myst(3), myst(3)),
            tuple(myst(2), myst(2)),
            tuple(BigInteger.ZERO, BigInteger.ZERO));
    assertThat(registry.stakeOf(id(issuer))).isZero();
    assertThat(registry.isDefaulted(id(issuer))).isTrue();
    assertThat(token.balanceOf(deployment.identityRegistry())).isZero();
    assertThat(balance(provider))
        .isEqualTo(lessFee(cap).add(lessFee(myst(3))).add(lessFee(myst(2))));

    register(issuer); // again: a new stake, no longer defaulted
    assertThat(registry.isDefaulted(id(issuer))).isFalse();
    assertThat(registry.stakeOf(id(issuer))).isEqualTo(STAKE);
    // the cap follows the registration value in force, rounded down: 3 MYST + 1 wei -> 1.5 MYST
    BigInteger lower = myst(3).add(BigInteger.ONE);
    registry.setRegistrationStake(deployer, lower);
    BatchClearing.Outcome after =
        batch(
            provider,
            true,
            issued(issuer, provider, 5, myst(20)),
            issued(issuer, provider, 6, myst(20)));
    BigInteger lowerCap = lower.divide(TWO);
    assertThat(lowerCap).isEqualTo(MYST.multiply(BigInteger.valueOf(3)).divide(TWO));
    assertThat(after.cleared())
        .extracting(BatchClearing.Cleared::fromStake)
        .containsExactly(lowerCap, lowerCap);
    assertThat(registry.stakeOf(id(issuer))).isEqualTo(STAKE.subtract(lowerCap.multiply(TWO)));
    assertThat(token.balanceOf(deployment.identityRegistry()))
        .isEqualTo(registry.stakeOf(id(issuer)));
    assertThat(token.balanceOf(deployment.payments()))
        .isEqualTo(balance(provider).add(payments.feesAccrued()));
  }

  /** The fee is taken per promise, rounded down, not once on the batch's total. */
  @Test
  void theFeeIsTakenPerPromiseRoundedDown() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST);
    // 2.5 % of 39 wei is 0.975: nothing per promise, where 78 wei at once would pay 1
    BigInteger wei39 = BigInteger.valueOf(39);
    BatchClearing.Outcome outcome =
        batch(
            provider,
            false,
            issued(consumer, provider, 1, wei39),
            issued(consumer, provider, 2, wei39));
    assertThat(outcome.cleared())
        .extracting(BatchClearing.Cleared::fee)
        .containsOnly(BigInteger.ZERO);
    assertThat(balance(provider)).isEqualTo(BigInteger.valueOf(78));
    assertThat(payments.feesAccrued()).isZero();
  }

  private static String id(PrivateKey key) {
    return key.address().toString();
  }

  private static String lower(PrivateKey key) {
    return id(key).toLowerCase(java.util.Locale.ROOT);
  }
}
