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
import network.mysterium.contracts.ChainException;
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
  private final Map<Pair, Long> lastSeenOnChain = new HashMap<>();

  /** Where a withdrawal may not go: nobody could spend it (the zero address, the contract). */
  private final java.util.Set<Address> nowhere;

  PaymentsModel(Address feeAccount, int feeBps, Address payments) {
    this.feeAccount = feeAccount;
    this.feeBps = feeBps;
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

  /**
   * A clearing paid {@code paid} (the issuer lost {@code lost} by the chain), {@code fee} of it.
   */
  void cleared(Pair pair, long serial, BigInteger paid, BigInteger fee, BigInteger lost) {
    add(pair.issuer(), paid.negate());
    add(pair.benefiter(), paid.subtract(fee));
    feesAccrued = feesAccrued.add(fee);
    lastCleared.put(pair, serial);
    paidFromChain.merge(pair, lost, BigInteger::add);
    clearedSerials.computeIfAbsent(pair, p -> new ArrayList<>()).add(serial);
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
    for (Address c : actors.consumers()) {
      for (Address p : actors.providers()) {
        verifyPair(payments, new Pair(c, p), context);
      }
    }
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
