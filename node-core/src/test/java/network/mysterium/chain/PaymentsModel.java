package network.mysterium.chain;

import static java.math.BigInteger.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import network.mysterium.chain.PaymentsSignatures.Sig;
import network.mysterium.contracts.BatchClearing.NotCleared;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.IdentityRegistryContract;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;

/**
 * What the Payments contract should hold after the walk's steps (docs/contracts.md), and the check
 * of the chain against it and against the contract's invariants.
 */
final class PaymentsModel {
  record Pair(Address issuer, Address benefiter) {}

  record Pending(Address to, BigInteger amount, long completableAt, long nonce) {}

  record Scheduled(Address account, int bps, long effectiveAt) {}

  /**
   * What a clearing takes from its issuer: {@code fromBalance}, and when that is short {@code
   * fromStake} from its registration stake; {@code paid} is their sum.
   */
  record Debit(BigInteger paid, BigInteger fromBalance, BigInteger fromStake) {}

  /** A promise in a batch as submitted: its signature is whatever the step put there. */
  record BatchPromise(Address issuer, long serial, BigInteger amount, Sig sig) {}

  /** A promise a batch cleared, as its events report it. */
  record BatchPaid(
      Address issuer, long serial, BigInteger paid, BigInteger fee, BigInteger stake) {}

  /** A promise a batch skipped, and why. */
  record BatchSkipped(Address issuer, long serial, NotCleared reason) {}

  /** The addresses the walk uses: every payments account and token holder it checks. */
  record Actors(
      List<Address> consumers,
      List<Address> providers,
      Address relay,
      BigInteger relayTokens,
      List<Address> exchanges,
      List<Address> feeAccounts,
      Address owner) {
    List<Address> identities() {
      List<Address> all = new ArrayList<>(consumers);
      all.addAll(providers);
      return all;
    }

    List<Address> accounts() {
      List<Address> all = identities();
      all.add(relay);
      all.addAll(feeAccounts);
      all.add(owner);
      return all;
    }

    /** A short name for the walk's trace. */
    String name(Address a) {
      for (var named :
          List.of(
              Map.entry("C", consumers),
              Map.entry("P", providers),
              Map.entry("exchange", exchanges),
              Map.entry("feeAccount", feeAccounts))) {
        int i = named.getValue().indexOf(a);
        if (i >= 0) {
          return named.getKey() + i;
        }
      }
      return a.equals(relay) ? "relay" : a.equals(owner) ? "owner" : a.toString();
    }
  }

  final Map<Address, BigInteger> balance = new HashMap<>();
  BigInteger feesAccrued = ZERO;
  Address feeAccount;
  int feeBps;
  Scheduled scheduled;
  final Map<Pair, Long> lastCleared = new HashMap<>();
  final Map<Pair, Map<Long, BigInteger>> promised = new HashMap<>(); // the most signed per serial
  final Map<Pair, BigInteger> paidFromChain = new HashMap<>(); // what the issuer lost to it
  final Map<Pair, List<Long>> clearedSerials = new HashMap<>();
  final Map<Address, Pending> pending = new HashMap<>();
  final Map<Address, Long> nonce = new HashMap<>();
  final Map<Address, BigInteger> exchangeTokens = new HashMap<>();
  BigInteger registrationStake;
  final Map<Address, BigInteger> stake = new HashMap<>();
  final Set<Address> registered = new HashSet<>();
  final Set<Address> defaulted = new HashSet<>();
  private final Map<Pair, Long> lastSeenOnChain = new HashMap<>();

  /** Where a withdrawal may not go: nobody could spend it (the zero address, the contract). */
  private final java.util.Set<Address> nowhere;

  PaymentsModel(Address feeAccount, int feeBps, Address payments, BigInteger registrationStake) {
    this.feeAccount = feeAccount;
    this.feeBps = feeBps;
    this.registrationStake = registrationStake;
    this.nowhere =
        java.util.Set.of(Address.parse("0x0000000000000000000000000000000000000000"), payments);
  }

  BigInteger balanceOf(Address a) {
    return balance.getOrDefault(a, ZERO);
  }

  void add(Address a, BigInteger amount) {
    balance.merge(a, amount, BigInteger::add);
  }

  long lastCleared(Pair pair) {
    return lastCleared.getOrDefault(pair, 0L);
  }

  /** The issuer signed {@code amount} for the serial (a later, higher promise replaces it). */
  void promised(Pair pair, long serial, BigInteger amount) {
    promised.computeIfAbsent(pair, p -> new HashMap<>()).merge(serial, amount, BigInteger::max);
  }

  BigInteger promisedFor(Pair pair, long serial) {
    return promised.getOrDefault(pair, Map.of()).get(serial);
  }

  /**
   * The errors that apply to a clearing as submitted (none: it pays); the contract may name any of
   * them, their order is not specified.
   */
  Set<String> clearingErrors(
      Address issuer,
      Address benefiter,
      long serial,
      BigInteger amount,
      boolean partial,
      Sig issuerSlot,
      Sig benefiterSlot) {
    Set<String> errors = new HashSet<>();
    if (amount.signum() == 0) {
      errors.add("ZeroAmount");
    }
    if (serial <= lastCleared(new Pair(issuer, benefiter))) {
      errors.add("SerialNotAbove");
    }
    if (!issuerSlot.isPromise(issuer, issuer, benefiter, serial, amount)) {
      errors.add("InvalidIssuerSignature");
    }
    if (!benefiterSlot.isClearing(benefiter, issuer, benefiter, serial, amount, partial)) {
      errors.add("InvalidBenefiterSignature");
    }
    if (balanceOf(issuer).compareTo(amount) < 0 && !partial) {
      errors.add("InsufficientBalance");
    }
    return errors;
  }

  BigInteger stakeOf(Address a) {
    return stake.getOrDefault(a, ZERO);
  }

  /**
   * Takes {@code amount} from the issuer: its balance, and when that is short the rest from its
   * stake, at most half the current registration value per promise and what is left of it; a
   * registered issuer whose balance was short defaults (even when nothing of its stake is left).
   */
  Debit debit(Address issuer, BigInteger amount) {
    BigInteger held = balanceOf(issuer);
    if (held.compareTo(amount) >= 0) {
      add(issuer, amount.negate());
      return new Debit(amount, amount, ZERO);
    }
    BigInteger taken = ZERO;
    if (registered.contains(issuer)) {
      taken =
          amount.subtract(held).min(registrationStake.divide(BigInteger.TWO)).min(stakeOf(issuer));
      stake.put(issuer, stakeOf(issuer).subtract(taken));
      defaulted.add(issuer);
    }
    balance.put(issuer, ZERO);
    return new Debit(held.add(taken), held, taken);
  }

  /** The fee a clearing that paid {@code paid} takes, at the fee in force, rounded down. */
  BigInteger fee(BigInteger paid) {
    return paid.multiply(BigInteger.valueOf(feeBps)).divide(BigInteger.valueOf(10_000));
  }

  /** A registration for the current stake succeeded: a defaulted identity's new stake adds up. */
  void registered(Address identity) {
    registered.add(identity);
    defaulted.remove(identity);
    stake.merge(identity, registrationStake, BigInteger::add);
  }

  /**
   * A clearing paid {@code paid} (the issuer lost {@code lost} by the chain), {@code fee} of it;
   * the issuer was debited already ({@link #debit}).
   */
  void cleared(Pair pair, long serial, BigInteger paid, BigInteger fee, BigInteger lost) {
    add(pair.benefiter(), paid.subtract(fee));
    feesAccrued = feesAccrued.add(fee);
    settled(pair, serial, lost);
  }

  private void settled(Pair pair, long serial, BigInteger lost) {
    lastCleared.put(pair, serial);
    paidFromChain.merge(pair, lost, BigInteger::add);
    clearedSerials.computeIfAbsent(pair, p -> new ArrayList<>()).add(serial);
  }

  /**
   * What {@code clearPromises} from {@code benefiter} does, promise by promise in order: skipped
   * for a zero amount, else a serial at or below the pair's cleared one (earlier promises of the
   * batch count), else a signature that is not the issuer's promise to the sender, else a short
   * balance without acceptPartial; otherwise it clears as a single clearing does. The benefiter is
   * credited once, after the loop (so its own balance as an issuer in the batch excludes it).
   * Applies the effects; {@code paid} and {@code skipped} receive the events expected. Returns the
   * promises that clear.
   */
  List<BatchPromise> clearBatch(
      Address benefiter,
      List<BatchPromise> promises,
      boolean partial,
      List<BatchPaid> paid,
      List<BatchSkipped> skipped) {
    BigInteger credit = ZERO;
    List<BatchPromise> cleared = new ArrayList<>();
    for (BatchPromise p : promises) {
      Pair pair = new Pair(p.issuer(), benefiter);
      NotCleared reason = null;
      if (p.amount().signum() == 0) {
        reason = NotCleared.ZERO_AMOUNT;
      } else if (p.serial() <= lastCleared(pair)) {
        reason = NotCleared.SERIAL_NOT_ABOVE;
      } else if (!p.sig().isPromise(p.issuer(), p.issuer(), benefiter, p.serial(), p.amount())) {
        reason = NotCleared.INVALID_ISSUER_SIGNATURE;
      } else if (balanceOf(p.issuer()).compareTo(p.amount()) < 0 && !partial) {
        reason = NotCleared.INSUFFICIENT_BALANCE;
      }
      if (reason != null) {
        skipped.add(new BatchSkipped(p.issuer(), p.serial(), reason));
        continue;
      }
      Debit d = debit(p.issuer(), p.amount());
      BigInteger fee = fee(d.paid());
      credit = credit.add(d.paid().subtract(fee));
      feesAccrued = feesAccrued.add(fee);
      lastCleared.put(pair, p.serial());
      clearedSerials.computeIfAbsent(pair, k -> new ArrayList<>()).add(p.serial());
      paid.add(new BatchPaid(p.issuer(), p.serial(), d.paid(), fee, d.fromStake()));
      cleared.add(p);
    }
    add(benefiter, credit);
    return cleared;
  }

  /** What the issuer lost to a pair by the chain's account (its events), to bound by promises. */
  void lostByChain(Pair pair, BigInteger lost) {
    paidFromChain.merge(pair, lost, BigInteger::add);
  }

  /** The errors that apply to a withdrawal request of {@code identity} with this signature. */
  Set<String> withdrawalErrors(Address identity, Sig signature) {
    Set<String> errors = new HashSet<>();
    if (signature.amount().signum() == 0) {
      errors.add("ZeroAmount");
    }
    if (nowhere.contains(signature.to())) {
      errors.add("InvalidDestination");
    }
    if (!signature.isWithdrawal(identity, identity, nonce.getOrDefault(identity, 0L))) {
      errors.add("InvalidWithdrawalSignature");
    }
    if (balanceOf(identity).compareTo(signature.amount()) < 0) {
      errors.add("InsufficientBalance");
    }
    return errors;
  }

  /** When the pending withdrawals of these identities, then a scheduled fee, fall due. */
  List<Long> dueTimes(List<Address> identities) {
    List<Long> dues = new ArrayList<>();
    identities.stream()
        .map(pending::get)
        .filter(p -> p != null)
        .forEach(p -> dues.add(p.completableAt()));
    if (scheduled != null) {
      dues.add(scheduled.effectiveAt());
    }
    return dues;
  }

  /** What collectFees (and a fee change, which collects first) does. */
  void creditFees() {
    add(feeAccount, feesAccrued);
    feesAccrued = ZERO;
  }

  /**
   * Fails, naming the step through {@code context}, where the chain differs or an invariant breaks.
   */
  void verify(
      PaymentsContract payments,
      MystTokenContract token,
      String paymentsAddress,
      IdentityRegistryContract registry,
      String registryAddress,
      Actors actors,
      Function<String, String> context)
      throws ChainException {
    BigInteger sum = ZERO;
    for (Address a : actors.accounts()) {
      BigInteger onChain = payments.balanceOf(a.toString());
      assertThat(onChain).as(context.apply("balanceOf " + actors.name(a))).isEqualTo(balanceOf(a));
      sum = sum.add(onChain);
    }
    BigInteger fees = payments.feesAccrued();
    assertThat(fees).as(context.apply("feesAccrued")).isEqualTo(feesAccrued);
    assertThat(token.balanceOf(paymentsAddress))
        .as(context.apply("the MYST the contract holds == every balance + feesAccrued"))
        .isEqualTo(sum.add(fees));
    // every pair a promise was made or cleared for, and each consumer to each provider and the
    // relay (which must never clear anything)
    Set<Pair> pairs = new java.util.LinkedHashSet<>();
    for (Address c : actors.consumers()) {
      actors.providers().forEach(p -> pairs.add(new Pair(c, p)));
      pairs.add(new Pair(c, actors.relay()));
    }
    pairs.addAll(promised.keySet());
    pairs.addAll(lastCleared.keySet());
    for (Pair pair : pairs) {
      verifyPair(payments, pair, context);
    }
    verifyStakes(registry, token, registryAddress, actors, context);
    assertThat(payments.feeBasisPoints().intValueExact())
        .as(context.apply("fee in force"))
        .isEqualTo(feeBps);
    assertThat(Address.parse(payments.feeAccount()))
        .as(context.apply("fee account"))
        .isEqualTo(feeAccount);
    PaymentsContract.ScheduledFee next = payments.scheduledFee();
    assertThat(next.exists())
        .as(context.apply("a fee increase scheduled"))
        .isEqualTo(scheduled != null);
    if (scheduled != null) {
      assertThat(
              new Scheduled(
                  Address.parse(next.feeAccount()), next.feeBasisPoints(), next.effectiveAt()))
          .as(context.apply("the scheduled fee"))
          .isEqualTo(scheduled);
    }
    for (Address id : actors.identities()) {
      PaymentsContract.PendingWithdrawal onChain = payments.pendingWithdrawal(id.toString());
      Pending expected = pending.get(id);
      assertThat(onChain.exists())
          .as(context.apply("a withdrawal pending for " + id))
          .isEqualTo(expected != null);
      if (expected != null) {
        Pending actual =
            new Pending(
                Address.parse(onChain.to()),
                onChain.amount(),
                onChain.completableAt(),
                onChain.nonce());
        assertThat(actual).as(context.apply("the pending withdrawal of " + id)).isEqualTo(expected);
      }
      assertThat(payments.withdrawalNonce(id.toString()).longValueExact())
          .as(context.apply("withdrawalNonce of " + id))
          .isEqualTo(nonce.getOrDefault(id, 0L));
    }
    assertThat(token.balanceOf(actors.relay().toString()))
        .as(context.apply("the relay never receives MYST"))
        .isEqualTo(actors.relayTokens());
    for (Address e : actors.exchanges()) {
      assertThat(token.balanceOf(e.toString()))
          .as(context.apply("MYST at the destination " + e))
          .isEqualTo(exchangeTokens.getOrDefault(e, ZERO));
    }
  }

  private void verifyStakes(
      IdentityRegistryContract registry,
      MystTokenContract token,
      String registryAddress,
      Actors actors,
      Function<String, String> context)
      throws ChainException {
    BigInteger stakes = ZERO;
    for (Address id : actors.identities()) {
      String who = actors.name(id);
      BigInteger onChain = registry.stakeOf(id.toString());
      assertThat(onChain).as(context.apply("stakeOf " + who)).isEqualTo(stakeOf(id));
      stakes = stakes.add(onChain);
      assertThat(registry.isRegistered(id.toString()))
          .as(context.apply("isRegistered " + who))
          .isEqualTo(registered.contains(id));
      assertThat(registry.isDefaulted(id.toString()))
          .as(context.apply("isDefaulted " + who))
          .isEqualTo(defaulted.contains(id));
    }
    assertThat(token.balanceOf(registryAddress))
        .as(context.apply("the MYST the registry holds == every stake"))
        .isEqualTo(stakes);
    assertThat(registry.registrationStake())
        .as(context.apply("registrationStake"))
        .isEqualTo(registrationStake);
  }

  private void verifyPair(PaymentsContract payments, Pair pair, Function<String, String> context)
      throws ChainException {
    long onChain =
        payments
            .lastClearedSerial(pair.issuer().toString(), pair.benefiter().toString())
            .longValueExact();
    assertThat(onChain)
        .as(context.apply("lastClearedSerial only rises " + pair))
        .isGreaterThanOrEqualTo(lastSeenOnChain.getOrDefault(pair, 0L));
    lastSeenOnChain.put(pair, onChain);
    assertThat(onChain).as(context.apply("lastClearedSerial " + pair)).isEqualTo(lastCleared(pair));
    // each serial clears once, for at most the most its issuer signed for it
    List<Long> cleared = clearedSerials.getOrDefault(pair, List.of());
    assertThat(cleared).as(context.apply("serials cleared once, rising " + pair)).isSorted();
    assertThat(cleared).as(context.apply("serials cleared once " + pair)).doesNotHaveDuplicates();
    BigInteger bound = ZERO;
    for (long s : cleared) {
      BigInteger signed = promisedFor(pair, s);
      bound = bound.add(signed == null ? ZERO : signed);
    }
    assertThat(paidFromChain.getOrDefault(pair, ZERO))
        .as(context.apply("a pair pays at most what was promised for its cleared serials " + pair))
        .isLessThanOrEqualTo(bound);
  }
}
