package network.mysterium.chain;

import static java.math.BigInteger.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.mysterium.chain.PaymentsModel.Pending;
import network.mysterium.chain.PaymentsSignatures.Sig;
import network.mysterium.chain.PaymentsWalk.Outcome;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;

/** The walk's steps on accounts: deposits, withdrawal requests and their completion. */
final class PaymentsWalkAccounts {
  private static final Address NOWHERE =
      Address.parse("0x0000000000000000000000000000000000000000");

  private final PaymentsWalk w;
  private final Map<Address, List<Sig>> usedWithdrawals = new HashMap<>();

  PaymentsWalkAccounts(PaymentsWalk walk) {
    this.w = walk;
  }

  void deposit() throws Exception {
    PrivateKey who = w.rnd.nextInt(4) == 0 ? w.pick(w.providers) : w.pick(w.consumers);
    if (w.rnd.nextInt(15) == 0) {
      w.log("deposit 0 to %s", w.name(who.address()));
      Outcome o =
          PaymentsWalk.attempt(
              () -> w.payments.deposit(w.f.credentials(who), PaymentsWalk.id(who), ZERO));
      w.expect(o, Set.of("ZeroAmount"));
      return;
    }
    BigInteger amount = w.amount(20);
    if (w.f.token.balanceOf(PaymentsWalk.id(who)).compareTo(amount) < 0) {
      w.f.token.transfer(
          w.owner, PaymentsWalk.id(who), PaymentsWalk.MYST.multiply(BigInteger.valueOf(1000)));
    }
    w.log("deposit %s to %s", amount, w.name(who.address()));
    w.f.deposit(who, who, amount);
    w.model.add(who.address(), amount);
    w.count("deposit");
  }

  void requestWithdrawal() throws Exception {
    PrivateKey who = w.pick(w.identities);
    Address id = who.address();
    BigInteger bal = w.model.balanceOf(id);
    long n = w.model.nonce.getOrDefault(id, 0L);
    int kind = w.rnd.nextInt(100);
    List<Sig> used = usedWithdrawals.getOrDefault(id, List.of());
    Sig sig;
    String what;
    if (kind < 10 && !used.isEmpty()) {
      sig = w.pick(used);
      what = "replayed";
    } else {
      int where = w.rnd.nextInt(30);
      Address to =
          where == 0
              ? NOWHERE
              : where == 1
                  ? Address.parse(w.f.deployment.payments())
                  : where < 10 ? id : w.pick(w.actors.exchanges());
      BigInteger amount;
      if (kind < 25) {
        amount = bal.add(w.amount(2));
        what = "over the balance";
      } else if (kind < 30) {
        amount = ZERO;
        what = "zero";
      } else if (bal.signum() == 0) {
        amount = w.amount(1);
        what = "from an empty account";
      } else {
        amount = w.rnd.nextInt(4) == 0 ? bal : w.randomUpTo(bal);
        what = "honest";
      }
      long signedNonce = n;
      PrivateKey signer = who;
      if (w.rnd.nextInt(100) < 12) {
        signer = w.rnd.nextBoolean() ? w.relay : w.pick(w.identities);
        what += signer == who ? "" : ", signed by " + w.name(signer.address());
      } else if (w.rnd.nextInt(100) < 5) {
        signedNonce = n + 1;
        what += ", next nonce";
      }
      sig = w.sigs.withdrawal(signer, id, to, amount, signedNonce);
    }
    PrivateKey sender = w.rnd.nextBoolean() ? who : w.relay;
    Set<String> errors = w.model.withdrawalErrors(id, sig);
    w.log(
        "request withdrawal (%s) of %s amount %s to %s, balance %s, by %s, expecting %s",
        what,
        w.name(id),
        sig.amount(),
        w.name(sig.to()),
        bal,
        w.name(sender.address()),
        errors.isEmpty() ? "success" : errors);
    Outcome o =
        PaymentsWalk.attempt(
            () ->
                w.payments.requestWithdrawal(
                    w.f.credentials(sender),
                    id.toString(),
                    sig.to().toString(),
                    sig.amount(),
                    sig.bytes()));
    w.expect(o, errors);
    if (o.receipt() != null) {
      long due = w.blockTime(o.receipt()) + w.notice;
      w.model.pending.put(id, new Pending(sig.to(), sig.amount(), due, n));
      w.model.nonce.put(id, n + 1);
      usedWithdrawals.computeIfAbsent(id, k -> new ArrayList<>()).add(sig);
      w.count("request withdrawal");
    }
  }

  void completeWithdrawal() throws Exception {
    List<PrivateKey> due =
        w.identities.stream().filter(k -> w.model.pending.containsKey(k.address())).toList();
    PrivateKey who = due.isEmpty() || w.rnd.nextInt(5) == 0 ? w.pick(w.identities) : w.pick(due);
    Address id = who.address();
    PrivateKey sender = w.pick(List.of(who, w.relay, w.pick(w.identities)));
    Pending p = w.model.pending.get(id);
    long now = w.f.client.latestBlockTime();
    // OpenZeppelin's ERC20 refuses to pay the zero address: such a request never completes (a new
    // one replaces it) and loses nothing
    boolean nowhere = p != null && p.to().equals(NOWHERE);
    Set<String> ifDue = nowhere ? Set.of("ERC20InvalidReceiver") : Set.of();
    Set<String> errors = null; // null: near the due time, either
    if (p == null) {
      errors = Set.of("NoPendingWithdrawal");
    } else if (now >= p.completableAt()) {
      errors = ifDue;
    } else if (p.completableAt() - now > PaymentsWalk.CLOCK_SLACK) {
      errors = Set.of("WithdrawalNotDue");
    } else if (nowhere) {
      errors = Set.of("WithdrawalNotDue", "ERC20InvalidReceiver");
    }
    BigInteger bal = w.model.balanceOf(id);
    BigInteger senderTokens = w.f.token.balanceOf(PaymentsWalk.id(sender));
    BigInteger destTokens = p == null ? ZERO : w.f.token.balanceOf(p.to().toString());
    w.log(
        "complete withdrawal of %s (%s), balance %s, by %s, expecting %s",
        w.name(id),
        p == null ? "none pending" : p.amount() + " due in " + (p.completableAt() - now) + " s",
        bal,
        w.name(sender.address()),
        errors == null ? "either" : errors.isEmpty() ? "success" : errors);
    Outcome o =
        PaymentsWalk.attempt(
            () -> w.payments.completeWithdrawal(w.f.credentials(sender), id.toString()));
    if (errors != null || o.error() != null) {
      w.expect(o, errors == null ? Set.of("WithdrawalNotDue") : errors);
    }
    if (o.receipt() == null) {
      return;
    }
    assertThat(w.blockTime(o.receipt()))
        .as(w.context("a withdrawal never completes before completableAt"))
        .isGreaterThanOrEqualTo(p.completableAt());
    BigInteger paid = p.amount().min(bal);
    assertThat(w.f.token.balanceOf(p.to().toString()).subtract(destTokens))
        .as(w.context("min(requested, balance) goes to the signed destination"))
        .isEqualTo(paid);
    if (!sender.address().equals(p.to())) {
      assertThat(w.f.token.balanceOf(PaymentsWalk.id(sender)))
          .as(w.context("whoever completes it receives nothing"))
          .isEqualTo(senderTokens);
    }
    w.model.add(id, paid.negate());
    w.model.pending.remove(id);
    w.model.exchangeTokens.computeIfPresent(p.to(), (k, v) -> v.add(paid));
    w.count(paid.compareTo(p.amount()) < 0 ? "complete withdrawal short" : "complete withdrawal");
  }
}
