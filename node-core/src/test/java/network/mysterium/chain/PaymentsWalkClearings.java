package network.mysterium.chain;

import static java.math.BigInteger.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.mysterium.chain.PaymentsModel.Debit;
import network.mysterium.chain.PaymentsModel.Pair;
import network.mysterium.chain.PaymentsSignatures.Sig;
import network.mysterium.chain.PaymentsWalk.Outcome;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;

/**
 * The walk's single clearings ({@code clearPromise}, both signatures): honest, stale and replayed
 * serials, partial for more than the issuer holds (its stake pays the rest when it is registered),
 * swapped signatures, a promise claimed by another benefiter, a partial flag the benefiter did not
 * sign, forged promises, relayed by the issuer or a third party.
 */
final class PaymentsWalkClearings {
  /** A clearing as submitted: the two signature slots hold whatever the step put there. */
  private record Clearing(
      Address issuer,
      Address benefiter,
      long serial,
      BigInteger amount,
      boolean partial,
      Sig first,
      Sig second) {}

  private final PaymentsWalk w;
  private final Map<Pair, List<Clearing>> cleared = new HashMap<>(); // as submitted, to replay

  PaymentsWalkClearings(PaymentsWalk walk) {
    this.w = walk;
  }

  void clearing() throws Exception {
    PrivateKey issuer = w.pick(w.consumers);
    PrivateKey benefiter = w.pick(w.providers);
    PrivateKey sender = w.pick(List.of(benefiter, benefiter, issuer, w.relay));
    Pair pair = new Pair(issuer.address(), benefiter.address());
    long last = w.model.lastCleared(pair);
    int kind = w.rnd.nextInt(100);
    List<Clearing> done = cleared.getOrDefault(pair, List.of());
    if (kind < 10 && !done.isEmpty()) {
      submit(w.pick(done), sender, "replayed");
      return;
    }
    long serial = kind < 20 ? w.rnd.nextLong(0, last + 1) : last + 1 + w.rnd.nextInt(3);
    BigInteger before = w.model.promisedFor(pair, serial);
    BigInteger amount;
    if (w.rnd.nextInt(30) == 0) {
      amount = ZERO;
    } else if (before != null && w.rnd.nextBoolean()) {
      amount = before.add(w.amount(2)); // the session went on: a higher promise, same serial
    } else {
      amount = w.amount(5);
    }
    boolean partial = w.rnd.nextInt(3) == 0;
    boolean staked = w.model.registered.contains(issuer.address());
    if (partial && w.rnd.nextInt(4) < (staked ? 3 : 2)) {
      // more than the issuer has: it pays what is left, and its stake (if any) up to half the
      // registration value
      amount = w.model.balanceOf(pair.issuer()).add(w.amount(8));
    }
    w.model.promised(pair, serial, amount);
    Sig promise = w.sigs.promise(issuer, pair.issuer(), pair.benefiter(), serial, amount);
    Sig claim =
        w.sigs.clearing(benefiter, pair.issuer(), pair.benefiter(), serial, amount, partial);
    Address to = pair.benefiter();
    String what = kind < 20 ? "stale serial" : "honest";
    int mutation = w.rnd.nextInt(100);
    if (mutation < 6) {
      Sig swap = promise;
      promise = claim;
      claim = swap;
      what = "swapped signatures";
    } else if (mutation < 12) {
      // the promise to one provider, claimed by the other with its own good clearing signature
      PrivateKey other = w.providers.get(1 - w.providers.indexOf(benefiter));
      to = other.address();
      claim = w.sigs.clearing(other, pair.issuer(), to, serial, amount, partial);
      what = "for another benefiter";
    } else if (mutation < 17) {
      claim = w.sigs.clearing(benefiter, pair.issuer(), to, serial, amount, !partial);
      what = "partial flag not signed";
    } else if (mutation < 21) {
      promise = w.sigs.promise(w.relay, pair.issuer(), to, serial, amount);
      what = "forged promise";
    }
    submit(new Clearing(pair.issuer(), to, serial, amount, partial, promise, claim), sender, what);
  }

  private void submit(Clearing c, PrivateKey sender, String what) throws Exception {
    Pair pair = new Pair(c.issuer, c.benefiter);
    long last = w.model.lastCleared(pair);
    BigInteger issuerBalance = w.model.balanceOf(c.issuer);
    BigInteger issuerStake = w.model.stakeOf(c.issuer);
    Set<String> errors =
        w.model.clearingErrors(
            c.issuer, c.benefiter, c.serial, c.amount, c.partial, c.first, c.second);
    w.log(
        "clear (%s) %s->%s serial %d (last %d) amount %s%s, balance %s, stake %s, by %s,"
            + " expecting %s",
        what,
        w.name(c.issuer),
        w.name(c.benefiter),
        c.serial,
        last,
        c.amount,
        c.partial ? " partial" : "",
        issuerBalance,
        issuerStake,
        w.name(sender.address()),
        errors.isEmpty() ? "success" : errors);
    Outcome o =
        PaymentsWalk.attempt(
            () ->
                w.payments.clearPromise(
                    w.f.credentials(sender),
                    c.issuer.toString(),
                    c.benefiter.toString(),
                    BigInteger.valueOf(c.serial),
                    c.amount,
                    c.partial,
                    c.first.bytes(),
                    c.second.bytes()));
    w.expect(o, errors);
    if (o.receipt() == null) {
      return;
    }
    boolean defaulted = w.model.defaulted.contains(c.issuer);
    Debit expected = w.model.debit(c.issuer, c.amount);
    if (!defaulted && w.model.defaulted.contains(c.issuer)) {
      w.count("defaults");
    }
    BigInteger fee = w.model.fee(expected.paid());
    // what the issuer lost from its balance and its stake, the benefiter gained and the fees
    // gained, as the chain reports them
    BigInteger lost = issuerBalance.subtract(w.payments.balanceOf(c.issuer.toString()));
    BigInteger stakeLost = issuerStake.subtract(w.registry.stakeOf(c.issuer.toString()));
    BigInteger gained =
        w.payments.balanceOf(c.benefiter.toString()).subtract(w.model.balanceOf(c.benefiter));
    BigInteger feeGained = w.payments.feesAccrued().subtract(w.model.feesAccrued);
    assertThat(lost)
        .as(w.context("the issuer's balance pays min(amount, balance)"))
        .isEqualTo(expected.fromBalance());
    assertThat(stakeLost)
        .as(w.context("its stake pays min(the rest, registrationStake / 2, its stake)"))
        .isEqualTo(expected.fromStake());
    assertThat(feeGained)
        .as(w.context("the fee in force (" + w.model.feeBps + " bp) is taken"))
        .isEqualTo(fee);
    assertThat(gained)
        .as(w.context("the benefiter gets the rest"))
        .isEqualTo(expected.paid().subtract(fee));
    w.model.cleared(pair, c.serial, expected.paid(), fee, lost.add(stakeLost));
    cleared.computeIfAbsent(pair, p -> new ArrayList<>()).add(c);
    w.clearedPromises.computeIfAbsent(pair, p -> new ArrayList<>()).add(c.first);
    w.count(
        expected.fromStake().signum() > 0
            ? "clear from stake"
            : expected.paid().compareTo(c.amount) < 0 ? "clear partially" : "clear");
  }
}
