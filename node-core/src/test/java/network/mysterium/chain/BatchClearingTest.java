package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import network.mysterium.contracts.BatchClearing;
import network.mysterium.contracts.BatchClearing.NotCleared;
import network.mysterium.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/**
 * {@code Payments.clearPromises} on a real chain: one transaction pays many issuers' promises to
 * its sender, skips (and names) each one that cannot clear without holding up the others, and pays
 * no one else.
 */
class BatchClearingTest extends ContractsFixture {
  private static final BigInteger FEE_DIVISOR = BigInteger.valueOf(10_000);

  private static BigInteger lessFee(BigInteger amount) {
    return amount.subtract(amount.multiply(BigInteger.valueOf(FEE_BPS)).divide(FEE_DIVISOR));
  }

  private BigInteger balance(PrivateKey key) throws Exception {
    return payments.balanceOf(key.address().toString());
  }

  private BigInteger cleared(PrivateKey issuer, PrivateKey benefiter) throws Exception {
    return payments.lastClearedSerial(issuer.address().toString(), benefiter.address().toString());
  }

  @Test
  void aBatchPaysEachGoodPromiseOnceAndSkipsEachBadOneWithItsReason() throws Exception {
    PrivateKey provider = identity(0);
    PrivateKey alice = identity(100);
    PrivateKey bob = identity(100);
    PrivateKey carol = identity(100);
    PrivateKey mallory = identity(100);
    PrivateKey poor = identity(100);
    for (PrivateKey issuer : List.of(alice, bob, carol)) {
      deposit(issuer, issuer, MYST.multiply(BigInteger.TEN));
    }
    deposit(poor, poor, MYST);
    BigInteger two = MYST.multiply(BigInteger.TWO);
    BigInteger three = MYST.multiply(BigInteger.valueOf(3));
    assertThat(
            payments
                .clearPromises(
                    credentials(provider), List.of(issued(alice, provider, 1, MYST)), false)
                .cleared())
        .hasSize(1);

    BatchClearing.IssuedPromise forged = issued(mallory, provider, 1, MYST);
    List<BatchClearing.IssuedPromise> batch =
        List.of(
            issued(alice, provider, 1, MYST), // cleared already
            issued(alice, provider, 2, two),
            new BatchClearing.IssuedPromise(
                carol.address().toString(), BigInteger.ONE, MYST, forged.signature()),
            issued(bob, provider, 5, three),
            issued(bob, provider, 7, MYST), // same pair, a higher serial: warm, also paid
            issued(carol, provider, 1, BigInteger.ZERO),
            issued(poor, provider, 1, two)); // 1 MYST deposited, no acceptPartial
    BatchClearing.Outcome outcome = payments.clearPromises(credentials(provider), batch, false);

    assertThat(outcome.cleared())
        .extracting(c -> c.issuer().toLowerCase(), BatchClearing.Cleared::serial)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                alice.address().toString().toLowerCase(), BigInteger.TWO),
            org.assertj.core.groups.Tuple.tuple(
                bob.address().toString().toLowerCase(), BigInteger.valueOf(5)),
            org.assertj.core.groups.Tuple.tuple(
                bob.address().toString().toLowerCase(), BigInteger.valueOf(7)));
    assertThat(outcome.skipped())
        .extracting(BatchClearing.Skipped::serial, BatchClearing.Skipped::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(BigInteger.ONE, NotCleared.SERIAL_NOT_ABOVE),
            org.assertj.core.groups.Tuple.tuple(
                BigInteger.ONE, NotCleared.INVALID_ISSUER_SIGNATURE),
            org.assertj.core.groups.Tuple.tuple(BigInteger.ONE, NotCleared.ZERO_AMOUNT),
            org.assertj.core.groups.Tuple.tuple(BigInteger.ONE, NotCleared.INSUFFICIENT_BALANCE));

    BigInteger ten = MYST.multiply(BigInteger.TEN);
    assertThat(balance(alice)).isEqualTo(ten.subtract(MYST).subtract(two));
    assertThat(balance(bob)).isEqualTo(ten.subtract(three).subtract(MYST));
    assertThat(balance(carol)).isEqualTo(ten);
    assertThat(balance(poor)).isEqualTo(MYST);
    assertThat(balance(provider))
        .isEqualTo(lessFee(MYST).add(lessFee(two)).add(lessFee(three)).add(lessFee(MYST)));
    assertThat(cleared(alice, provider)).isEqualTo(BigInteger.TWO);
    assertThat(cleared(bob, provider)).isEqualTo(BigInteger.valueOf(7));
    assertThat(cleared(carol, provider)).isZero();
    assertThat(cleared(poor, provider)).isZero();

    // the same batch again pays nothing: every serial is now at or below the cleared one, or bad
    BigInteger before = balance(provider);
    BatchClearing.Outcome again = payments.clearPromises(credentials(provider), batch, false);
    assertThat(again.cleared()).isEmpty();
    assertThat(again.skipped()).hasSize(batch.size());
    assertThat(balance(provider)).isEqualTo(before);
  }

  /**
   * The sender is the benefiter: a promise to someone else, submitted by a stranger, names the
   * stranger as benefiter in the signed digest, so it never verifies and pays no one.
   */
  @Test
  void aStrangerCannotRedirectAPromiseByBatchingIt() throws Exception {
    PrivateKey provider = identity(0);
    PrivateKey consumer = identity(100);
    PrivateKey thief = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.TEN));
    BatchClearing.IssuedPromise toProvider = issued(consumer, provider, 1, MYST);

    BatchClearing.Outcome outcome =
        payments.clearPromises(credentials(thief), List.of(toProvider), true);

    assertThat(outcome.cleared()).isEmpty();
    assertThat(outcome.skipped())
        .singleElement()
        .satisfies(s -> assertThat(s.reason()).isEqualTo(NotCleared.INVALID_ISSUER_SIGNATURE));
    assertThat(balance(thief)).isZero();
    assertThat(balance(consumer)).isEqualTo(MYST.multiply(BigInteger.TEN));
    // still the provider's to clear
    assertThat(payments.clearPromises(credentials(provider), List.of(toProvider), false).cleared())
        .hasSize(1);
    assertThat(balance(provider)).isEqualTo(lessFee(MYST));
  }

  /**
   * With acceptPartial, a short balance pays what it holds and the issuer's stake the rest (at most
   * half the registration value per promise), in the batch as in a single clearing; the others in
   * the batch are paid as usual.
   */
  @Test
  void aShortIssuerInABatchIsPaidFromItsStakeAndDefaults() throws Exception {
    PrivateKey provider = identity(0);
    PrivateKey shortOne = identity(100);
    PrivateKey good = identity(100);
    register(shortOne);
    deposit(shortOne, shortOne, MYST);
    deposit(good, good, MYST.multiply(BigInteger.TEN));
    BigInteger three = MYST.multiply(BigInteger.valueOf(3));
    BigInteger eight = MYST.multiply(BigInteger.valueOf(8));

    BatchClearing.Outcome outcome =
        payments.clearPromises(
            credentials(provider),
            List.of(
                issued(shortOne, provider, 1, three),
                issued(shortOne, provider, 2, eight),
                issued(good, provider, 1, MYST)),
            true);

    BigInteger halfStake = STAKE.divide(BigInteger.TWO);
    // serial 1: the 1 MYST balance and 2 from the stake; serial 2: nothing left but the stake,
    // capped at half the registration value
    assertThat(outcome.cleared())
        .extracting(BatchClearing.Cleared::paid, BatchClearing.Cleared::fromStake)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(three, MYST.multiply(BigInteger.TWO)),
            org.assertj.core.groups.Tuple.tuple(halfStake, halfStake),
            org.assertj.core.groups.Tuple.tuple(MYST, BigInteger.ZERO));
    assertThat(registry.isDefaulted(shortOne.address().toString())).isTrue();
    assertThat(balance(shortOne)).isZero();
    assertThat(registry.stakeOf(shortOne.address().toString()))
        .isEqualTo(STAKE.subtract(MYST.multiply(BigInteger.TWO)).subtract(halfStake));
    assertThat(balance(provider))
        .isEqualTo(lessFee(three).add(lessFee(halfStake)).add(lessFee(MYST)));
  }
}
