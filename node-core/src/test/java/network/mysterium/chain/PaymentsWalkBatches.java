package network.mysterium.chain;

import static java.math.BigInteger.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import network.mysterium.chain.PaymentsModel.BatchPaid;
import network.mysterium.chain.PaymentsModel.BatchPromise;
import network.mysterium.chain.PaymentsModel.BatchSkipped;
import network.mysterium.chain.PaymentsModel.Pair;
import network.mysterium.chain.PaymentsSignatures.Kind;
import network.mysterium.chain.PaymentsSignatures.Sig;
import network.mysterium.contracts.BatchClearing;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;

/**
 * The walk's batch clearings ({@code clearPromises}: the sender is the benefiter, each promise
 * carries the issuer's signature only): 0 to 6 promises from several issuers, honest, replayed, the
 * same pair again with a higher or a lower serial, zero, short (with and without acceptPartial, so
 * registered issuers pay from their stake and default), forged, garbled, signed for another amount
 * or another benefiter; now and then submitted by a stranger, whose batch must pay no one since the
 * digest names the sender as benefiter. Every promise's outcome, paid or skipped with its reason,
 * must be the model's, in order.
 */
final class PaymentsWalkBatches {
  private static final int MAX_SIZE = 6;

  private final PaymentsWalk w;

  PaymentsWalkBatches(PaymentsWalk walk) {
    this.w = walk;
  }

  void batch() throws Exception {
    // mostly a provider clearing what it holds; now and then a consumer paid by other consumers
    // (or by itself: its own stake comes back to it, minus the fee, and it defaults)
    PrivateKey benefiter = w.rnd.nextInt(10) == 0 ? w.pick(w.consumers) : w.pick(w.providers);
    PrivateKey sender = benefiter;
    if (w.rnd.nextInt(100) < 15) {
      List<PrivateKey> strangers = new ArrayList<>(w.identities);
      strangers.add(w.relay);
      strangers.remove(benefiter);
      sender = w.pick(strangers);
    }
    boolean stranger = sender != benefiter;
    boolean partial = w.rnd.nextBoolean();
    int size = w.rnd.nextInt(MAX_SIZE + 1);
    List<BatchPromise> promises = new ArrayList<>();
    List<String> whats = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      promises.add(promise(benefiter, promises, whats));
    }
    for (BatchPromise p : promises) { // what each issuer really signed, to bound the payments
      Sig s = p.sig();
      if (s.kind() == Kind.PROMISE && s.signer().equals(s.first())) {
        w.model.promised(new Pair(s.first(), s.second()), s.number(), s.amount());
      }
    }
    Address to = sender.address();
    BigInteger senderBefore = w.model.balanceOf(to);
    List<BatchPaid> expectedPaid = new ArrayList<>();
    List<BatchSkipped> expectedSkipped = new ArrayList<>();
    w.log(
        "batch of %d to %s%s%s: %s",
        size,
        w.name(benefiter.address()),
        stranger ? " submitted by " + w.name(to) : "",
        partial ? ", acceptPartial" : "",
        describe(promises, whats));
    Set<Address> defaultedBefore = Set.copyOf(w.model.defaulted);
    List<BatchPromise> cleared =
        w.model.clearBatch(to, promises, partial, expectedPaid, expectedSkipped);
    countDefaults(defaultedBefore);
    BatchClearing.Outcome outcome =
        w.payments.clearPromises(
            w.f.credentials(sender),
            promises.stream()
                .map(
                    p ->
                        new BatchClearing.IssuedPromise(
                            p.issuer().toString(),
                            BigInteger.valueOf(p.serial()),
                            p.amount(),
                            p.sig().bytes()))
                .toList(),
            partial);
    List<BatchPaid> paid =
        outcome.cleared().stream()
            .map(
                c ->
                    new BatchPaid(
                        Address.parse(c.issuer()),
                        c.serial().longValueExact(),
                        c.paid(),
                        c.fee(),
                        c.fromStake()))
            .toList();
    List<BatchSkipped> skipped =
        outcome.skipped().stream()
            .map(
                s ->
                    new BatchSkipped(
                        Address.parse(s.issuer()), s.serial().longValueExact(), s.reason()))
            .toList();
    assertThat(skipped)
        .as(w.context("the promises skipped, in order, each with its reason"))
        .isEqualTo(expectedSkipped);
    assertThat(paid)
        .as(w.context("the promises cleared, in order: paid, fee, from the stake"))
        .isEqualTo(expectedPaid);
    for (BatchPaid c : paid) {
      Pair pair = new Pair(c.issuer(), to);
      BigInteger signed = w.model.promisedFor(pair, c.serial());
      assertThat(signed)
          .as(w.context("a batch pays only what its issuer promised to the sender " + pair))
          .isNotNull();
      assertThat(c.paid())
          .as(w.context("a promise pays at most its amount " + pair))
          .isLessThanOrEqualTo(signed);
      w.model.lostByChain(pair, c.paid());
    }
    for (BatchPromise p : cleared) { // to replay later
      w.clearedPromises
          .computeIfAbsent(new Pair(p.issuer(), to), k -> new ArrayList<>())
          .add(p.sig());
    }
    if (stranger && promises.stream().noneMatch(p -> p.sig().second().equals(to))) {
      assertThat(paid).as(w.context("a stranger's batch clears nothing")).isEmpty();
      assertThat(w.payments.balanceOf(to.toString()))
          .as(w.context("a stranger's batch credits it nothing"))
          .isEqualTo(senderBefore);
      w.count("batch by a stranger");
    }
    w.count("batch of " + size);
    paid.forEach(c -> w.count(c.stake().signum() > 0 ? "batch: from stake" : "batch: cleared"));
    skipped.forEach(s -> w.count("batch: skipped " + s.reason()));
  }

  /** One promise made out to {@code benefiter}, by one of the consumers. */
  private BatchPromise promise(PrivateKey benefiter, List<BatchPromise> sofar, List<String> whats) {
    PrivateKey issuer = w.pick(w.consumers);
    Address to = benefiter.address();
    int kind = w.rnd.nextInt(100);
    List<Sig> done = w.clearedPromises.getOrDefault(new Pair(issuer.address(), to), List.of());
    if (kind < 10 && !done.isEmpty()) {
      Sig s = w.pick(done);
      whats.add("replayed");
      return new BatchPromise(s.first(), s.number(), s.amount(), s);
    }
    long serial;
    String what;
    if (kind < 25 && !sofar.isEmpty()) { // the same pair twice in one batch
      BatchPromise earlier = w.pick(sofar);
      issuer = consumer(earlier.issuer());
      serial = Math.max(0, earlier.serial() + w.rnd.nextInt(-2, 3));
      what = serial > earlier.serial() ? "same pair, higher serial" : "same pair, not higher";
    } else {
      Pair pair = new Pair(issuer.address(), to);
      long top = w.model.lastCleared(pair);
      for (BatchPromise p : sofar) {
        if (p.issuer().equals(pair.issuer())) {
          top = Math.max(top, p.serial());
        }
      }
      serial = top + 1 + w.rnd.nextInt(3);
      what = "honest";
    }
    BigInteger amount;
    int a = w.rnd.nextInt(100);
    if (a < 6) {
      amount = ZERO;
      what += ", zero";
    } else if (a < (w.model.registered.contains(issuer.address()) ? 45 : 18)) {
      // registered issuers go short more often, so their stake pays and they default
      amount = w.model.balanceOf(issuer.address()).add(w.amount(8));
      what += ", short";
    } else {
      amount = w.amount(5);
    }
    Address by = issuer.address();
    Sig sig = w.sigs.promise(issuer, by, to, serial, amount);
    int m = w.rnd.nextInt(100);
    if (m < 6) {
      sig = w.sigs.promise(w.relay, by, to, serial, amount);
      what += ", forged";
    } else if (m < 12) {
      sig = PaymentsSignatures.garbled(sig, w.rnd);
      what += ", garbled";
    } else if (m < 16) {
      sig = w.sigs.promise(issuer, by, to, serial, amount.add(BigInteger.ONE));
      what += ", another amount signed";
    } else if (m < 20) {
      List<PrivateKey> others = new ArrayList<>(w.providers);
      others.remove(benefiter);
      sig = w.sigs.promise(issuer, by, w.pick(others).address(), serial, amount);
      what += ", signed to another benefiter";
    }
    whats.add(what);
    return new BatchPromise(by, serial, amount, sig);
  }

  private void countDefaults(Set<Address> before) {
    w.model.defaulted.stream().filter(a -> !before.contains(a)).forEach(a -> w.count("defaults"));
  }

  private PrivateKey consumer(Address a) {
    return w.consumers.stream().filter(k -> k.address().equals(a)).findFirst().orElseThrow();
  }

  private String describe(List<BatchPromise> promises, List<String> whats) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < promises.size(); i++) {
      BatchPromise p = promises.get(i);
      parts.add(
          "%s serial %d amount %s (%s; balance %s, stake %s)"
              .formatted(
                  w.name(p.issuer()),
                  p.serial(),
                  p.amount(),
                  whats.get(i),
                  w.model.balanceOf(p.issuer()),
                  w.model.stakeOf(p.issuer())));
    }
    return parts.toString();
  }
}
