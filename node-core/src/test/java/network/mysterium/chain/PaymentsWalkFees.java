package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import network.mysterium.chain.PaymentsModel.Scheduled;
import network.mysterium.chain.PaymentsWalk.Outcome;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import org.web3j.crypto.Credentials;

/** The walk's steps on fees (changes, scheduled increases, collection) and the clock. */
final class PaymentsWalkFees {
  private final PaymentsWalk w;

  PaymentsWalkFees(PaymentsWalk walk) {
    this.w = walk;
  }

  void setFee() throws Exception {
    boolean byOwner = w.rnd.nextInt(10) != 0;
    Credentials sender = byOwner ? w.owner : w.f.credentials(w.relay);
    Address account = w.rnd.nextInt(4) == 0 ? w.pick(w.actors.feeAccounts()) : w.model.feeAccount;
    int current = w.model.feeBps;
    int bps;
    if (w.rnd.nextInt(8) == 0) {
      bps = 1001 + w.rnd.nextInt(500);
    } else if (w.rnd.nextBoolean() && current < 1000) {
      bps = current + 1 + w.rnd.nextInt(1000 - current);
    } else {
      bps = w.rnd.nextInt(current + 1);
    }
    Set<String> errors = new HashSet<>();
    if (!byOwner) {
      errors.add("OwnableUnauthorizedAccount");
    }
    if (bps > 1000) {
      errors.add("FeeTooHigh");
    }
    boolean atOnce = bps <= current;
    w.log(
        "set fee %d bp (in force %d) to %s%s, expecting %s",
        bps,
        current,
        w.name(account),
        byOwner ? "" : " by a stranger",
        errors.isEmpty() ? (atOnce ? "applied" : "scheduled") : errors);
    int chosen = bps;
    Outcome o = PaymentsWalk.attempt(() -> w.payments.setFee(sender, account.toString(), chosen));
    w.expect(o, errors);
    if (o.receipt() == null) {
      return;
    }
    if (atOnce) {
      w.model.scheduled = null;
      w.model.creditFees();
      w.model.feeAccount = account;
      w.model.feeBps = bps;
      w.count("fee decrease");
    } else {
      w.model.scheduled = new Scheduled(account, bps, w.blockTime(o.receipt()) + w.notice);
      w.count("fee increase scheduled");
    }
  }

  void applyScheduledFee() throws Exception {
    PrivateKey sender = w.pick(List.of(w.relay, w.pick(w.identities)));
    Scheduled next = w.model.scheduled;
    long now = w.f.client.latestBlockTime();
    Set<String> errors = null; // null: near the due time, either
    if (next == null) {
      errors = Set.of("NoScheduledFee");
    } else if (now >= next.effectiveAt()) {
      errors = Set.of();
    } else if (next.effectiveAt() - now > PaymentsWalk.CLOCK_SLACK) {
      errors = Set.of("FeeChangeNotDue");
    }
    w.log(
        "apply scheduled fee (%s), expecting %s",
        next == null ? "none" : next.bps() + " bp due in " + (next.effectiveAt() - now) + " s",
        errors == null ? "either" : errors.isEmpty() ? "success" : errors);
    Outcome o = PaymentsWalk.attempt(() -> w.payments.applyScheduledFee(w.f.credentials(sender)));
    if (errors != null || o.error() != null) {
      w.expect(o, errors == null ? Set.of("FeeChangeNotDue") : errors);
    }
    if (o.receipt() == null) {
      return;
    }
    assertThat(w.blockTime(o.receipt()))
        .as(w.context("a fee increase never applies before its time"))
        .isGreaterThanOrEqualTo(next.effectiveAt());
    w.model.creditFees();
    w.model.feeAccount = next.account();
    w.model.feeBps = next.bps();
    w.model.scheduled = null;
    w.count("fee increase applied");
  }

  void collectFees() throws Exception {
    PrivateKey sender = w.pick(List.of(w.relay, w.pick(w.identities)));
    w.log(
        "collect fees %s to %s by %s",
        w.model.feesAccrued, w.name(w.model.feeAccount), w.name(sender.address()));
    w.payments.collectFees(w.f.credentials(sender));
    w.model.creditFees();
    w.count("collect fees");
  }

  void advanceClock() throws Exception {
    long now = w.f.client.latestBlockTime();
    List<Long> dues = w.model.dueTimes(w.actors.identities()); // in order, so a seed replays
    int kind = w.rnd.nextInt(10);
    long by;
    if (kind < 4 && !dues.isEmpty()) {
      by = w.pick(dues) - now + w.rnd.nextInt(-2, 3); // to the edge of a due time
    } else if (kind < 7) {
      by = w.rnd.nextInt(1, 60);
    } else {
      by = w.notice + w.rnd.nextInt(-5, 6);
    }
    by = Math.max(1, by);
    w.log("advance the clock %d s", by);
    w.f.client.advanceTimeOnDevChain(Duration.ofSeconds(by));
    w.count("advance clock");
  }
}
