package network.mysterium.chain;

import static java.math.BigInteger.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import network.mysterium.chain.PaymentsModel.Pair;
import network.mysterium.chain.PaymentsModel.Pending;
import network.mysterium.chain.PaymentsModel.Scheduled;
import network.mysterium.chain.PaymentsSignatures.Sig;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.ContractRevertException;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A random sequence of Payments operations, honest and hostile, from one seed. Each step's expected
 * outcome comes from {@link PaymentsModel} (what docs/contracts.md says); after every step the
 * chain must equal the model and the invariants must hold on what the chain reports.
 */
final class PaymentsWalk {
  private static final BigInteger BPS = BigInteger.valueOf(10_000);
  private static final BigInteger MYST = ContractsFixture.MYST;

  /**
   * The next block's timestamp is only known once it is mined (wall clock plus anvil's offset): a
   * due time within this many seconds after the latest block may be reached or not, and either
   * outcome is accepted (a success is still checked against its block's timestamp).
   */
  private static final long CLOCK_SLACK = 30;

  private static final int TRACE = 40;
  private static final Address NOWHERE =
      Address.parse("0x0000000000000000000000000000000000000000");

  /** A clearing as submitted: the two signature slots hold whatever the step put there. */
  private record Clearing(
      Address issuer,
      Address benefiter,
      long serial,
      BigInteger amount,
      boolean partial,
      Sig first,
      Sig second) {}

  private record Outcome(TransactionReceipt receipt, String error) {}

  private final ContractsFixture f;
  private final PaymentsContract payments;
  private final long seed;
  private final Random rnd;
  private final long notice;
  private final PaymentsSignatures sigs;
  private final Credentials owner;
  private final List<PrivateKey> consumers = new ArrayList<>();
  private final List<PrivateKey> providers = new ArrayList<>();
  private final List<PrivateKey> identities = new ArrayList<>();
  private final PrivateKey relay;
  private final PaymentsModel.Actors actors;
  private final PaymentsModel model;
  private final Map<Pair, List<Clearing>> cleared = new HashMap<>(); // as submitted, to replay
  private final Map<Address, List<Sig>> usedWithdrawals = new HashMap<>();
  private final Deque<String> trace = new ArrayDeque<>();
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private int step;

  PaymentsWalk(ContractsFixture fixture, long seed) throws Exception {
    this.f = fixture;
    this.payments = fixture.payments;
    this.seed = seed;
    this.rnd = new Random(seed);
    this.notice = payments.withdrawalNotice();
    this.sigs = new PaymentsSignatures(fixture.paymentsDomain());
    this.owner = fixture.deployer;
    for (int i = 0; i < 2; i++) {
      consumers.add(fixture.identity(1000));
      providers.add(fixture.identity(1000));
    }
    identities.addAll(consumers);
    identities.addAll(providers);
    relay = fixture.identity(100);
    // the relay holds an account too, so a payment wrongly credited or taken from it shows
    BigInteger relayAccount = MYST.multiply(BigInteger.valueOf(5));
    fixture.deposit(relay, relay, relayAccount);
    Address secondFeeAccount =
        Address.parse(Credentials.create(Anvil.DEV_PRIVATE_KEYS.get(2)).getAddress());
    actors =
        new PaymentsModel.Actors(
            consumers.stream().map(PrivateKey::address).toList(),
            providers.stream().map(PrivateKey::address).toList(),
            relay.address(),
            fixture.token.balanceOf(relay.address().toString()),
            List.of(
                Address.parse("0x000000000000000000000000000000000000bEEF"),
                Address.parse("0x000000000000000000000000000000000000dEaD")),
            List.of(fixture.feeAccount, secondFeeAccount),
            Address.parse(owner.getAddress()));
    model =
        new PaymentsModel(
            fixture.feeAccount,
            ContractsFixture.FEE_BPS,
            Address.parse(fixture.deployment.payments()));
    model.add(relay.address(), relayAccount);
    for (Address e : actors.exchanges()) {
      model.exchangeTokens.put(e, fixture.token.balanceOf(e.toString()));
    }
    for (PrivateKey c : consumers) { // consumers start with something to pay with
      BigInteger start = amount(30);
      fixture.deposit(c, c, start);
      model.add(c.address(), start);
    }
    verify();
  }

  /** Runs the steps; a failure names the seed to replay and the last steps taken. */
  void run(int steps) throws Exception {
    try {
      for (step = 1; step <= steps; step++) {
        int r = rnd.nextInt(100);
        if (r < 15) {
          deposit();
        } else if (r < 45) {
          clearing();
        } else if (r < 58) {
          requestWithdrawal();
        } else if (r < 69) {
          completeWithdrawal();
        } else if (r < 76) {
          setFee();
        } else if (r < 82) {
          applyScheduledFee();
        } else if (r < 87) {
          collectFees();
        } else {
          advanceClock();
        }
        verify();
      }
    } catch (Throwable t) {
      System.out.printf(
          "PaymentsInvariantsTest failed: seed %d at step %d (replay with -Dinvariants.seed=%d);"
              + " last steps:%n",
          seed, step, seed);
      trace.forEach(s -> System.out.println("  " + s));
      throw new AssertionError("seed " + seed + ", step " + step + ": " + t.getMessage(), t);
    }
  }

  Map<String, Integer> outcomes() {
    return outcomes;
  }

  // ---- steps ----

  private void deposit() throws Exception {
    PrivateKey who = rnd.nextInt(4) == 0 ? pick(providers) : pick(consumers);
    if (rnd.nextInt(15) == 0) {
      log("deposit 0 to %s", name(who.address()));
      Outcome o = attempt(() -> payments.deposit(f.credentials(who), id(who), ZERO));
      expect(o, Set.of("ZeroAmount"));
      return;
    }
    BigInteger amount = amount(20);
    if (f.token.balanceOf(id(who)).compareTo(amount) < 0) {
      f.token.transfer(owner, id(who), MYST.multiply(BigInteger.valueOf(1000)));
    }
    log("deposit %s to %s", amount, name(who.address()));
    f.deposit(who, who, amount);
    model.add(who.address(), amount);
    count("deposit");
  }

  private void clearing() throws Exception {
    PrivateKey issuer = pick(consumers);
    PrivateKey benefiter = pick(providers);
    PrivateKey sender = pick(List.of(benefiter, benefiter, issuer, relay));
    Pair pair = new Pair(issuer.address(), benefiter.address());
    long last = model.lastCleared(pair);
    int kind = rnd.nextInt(100);
    List<Clearing> done = cleared.getOrDefault(pair, List.of());
    if (kind < 10 && !done.isEmpty()) {
      submit(pick(done), sender, "replayed");
      return;
    }
    long serial = kind < 20 ? rnd.nextLong(0, last + 1) : last + 1 + rnd.nextInt(3);
    BigInteger before = model.promisedFor(pair, serial);
    BigInteger amount;
    if (rnd.nextInt(30) == 0) {
      amount = ZERO;
    } else if (before != null && rnd.nextBoolean()) {
      amount = before.add(amount(2)); // the session went on: a higher promise, same serial
    } else {
      amount = amount(5);
    }
    boolean partial = rnd.nextInt(3) == 0;
    if (partial && rnd.nextBoolean()) { // more than the issuer has: it pays what is left
      amount = model.balanceOf(pair.issuer()).add(amount(3));
    }
    model.promised(pair, serial, amount);
    Sig promise = sigs.promise(issuer, pair.issuer(), pair.benefiter(), serial, amount);
    Sig claim = sigs.clearing(benefiter, pair.issuer(), pair.benefiter(), serial, amount, partial);
    Address to = pair.benefiter();
    String what = kind < 20 ? "stale serial" : "honest";
    int mutation = rnd.nextInt(100);
    if (mutation < 6) {
      Sig swap = promise;
      promise = claim;
      claim = swap;
      what = "swapped signatures";
    } else if (mutation < 12) {
      // the promise to one provider, claimed by the other with its own good clearing signature
      PrivateKey other = providers.get(1 - providers.indexOf(benefiter));
      to = other.address();
      claim = sigs.clearing(other, pair.issuer(), to, serial, amount, partial);
      what = "for another benefiter";
    } else if (mutation < 17) {
      claim = sigs.clearing(benefiter, pair.issuer(), to, serial, amount, !partial);
      what = "partial flag not signed";
    } else if (mutation < 21) {
      promise = sigs.promise(relay, pair.issuer(), to, serial, amount);
      what = "forged promise";
    }
    submit(new Clearing(pair.issuer(), to, serial, amount, partial, promise, claim), sender, what);
  }

  private void submit(Clearing c, PrivateKey sender, String what) throws Exception {
    Pair pair = new Pair(c.issuer, c.benefiter);
    long last = model.lastCleared(pair);
    BigInteger issuerBalance = model.balanceOf(c.issuer);
    Set<String> errors =
        model.clearingErrors(
            c.issuer, c.benefiter, c.serial, c.amount, c.partial, c.first, c.second);
    log(
        "clear (%s) %s->%s serial %d (last %d) amount %s%s, balance %s, by %s, expecting %s",
        what,
        name(c.issuer),
        name(c.benefiter),
        c.serial,
        last,
        c.amount,
        c.partial ? " partial" : "",
        issuerBalance,
        name(sender.address()),
        errors.isEmpty() ? "success" : errors);
    Outcome o =
        attempt(
            () ->
                payments.clearPromise(
                    f.credentials(sender),
                    c.issuer.toString(),
                    c.benefiter.toString(),
                    BigInteger.valueOf(c.serial),
                    c.amount,
                    c.partial,
                    c.first.bytes(),
                    c.second.bytes()));
    expect(o, errors);
    if (o.receipt == null) {
      return;
    }
    BigInteger paid = issuerBalance.min(c.amount);
    BigInteger fee = paid.multiply(BigInteger.valueOf(model.feeBps)).divide(BPS);
    // what the issuer lost, the benefiter gained and the fees gained, as the chain reports them
    BigInteger lost = issuerBalance.subtract(payments.balanceOf(c.issuer.toString()));
    BigInteger gained =
        payments.balanceOf(c.benefiter.toString()).subtract(model.balanceOf(c.benefiter));
    BigInteger feeGained = payments.feesAccrued().subtract(model.feesAccrued);
    assertThat(lost).as(context("the issuer pays min(amount, balance)")).isEqualTo(paid);
    assertThat(feeGained)
        .as(context("the fee in force (" + model.feeBps + " bp) is taken"))
        .isEqualTo(fee);
    assertThat(gained).as(context("the benefiter gets the rest")).isEqualTo(paid.subtract(fee));
    model.cleared(pair, c.serial, paid, fee, lost);
    cleared.computeIfAbsent(pair, p -> new ArrayList<>()).add(c);
    count(paid.compareTo(c.amount) < 0 ? "clear partially" : "clear");
  }

  private void requestWithdrawal() throws Exception {
    PrivateKey who = pick(identities);
    Address id = who.address();
    BigInteger bal = model.balanceOf(id);
    long n = model.nonce.getOrDefault(id, 0L);
    int kind = rnd.nextInt(100);
    List<Sig> used = usedWithdrawals.getOrDefault(id, List.of());
    Sig sig;
    String what;
    if (kind < 10 && !used.isEmpty()) {
      sig = pick(used);
      what = "replayed";
    } else {
      int where = rnd.nextInt(30);
      Address to =
          where == 0
              ? NOWHERE
              : where == 1
                  ? Address.parse(f.deployment.payments())
                  : where < 10 ? id : pick(actors.exchanges());
      BigInteger amount;
      if (kind < 25) {
        amount = bal.add(amount(2));
        what = "over the balance";
      } else if (kind < 30) {
        amount = ZERO;
        what = "zero";
      } else if (bal.signum() == 0) {
        amount = amount(1);
        what = "from an empty account";
      } else {
        amount = rnd.nextInt(4) == 0 ? bal : randomUpTo(bal);
        what = "honest";
      }
      long signedNonce = n;
      PrivateKey signer = who;
      if (rnd.nextInt(100) < 12) {
        signer = rnd.nextBoolean() ? relay : pick(identities);
        what += signer == who ? "" : ", signed by " + name(signer.address());
      } else if (rnd.nextInt(100) < 5) {
        signedNonce = n + 1;
        what += ", next nonce";
      }
      sig = sigs.withdrawal(signer, id, to, amount, signedNonce);
    }
    PrivateKey sender = rnd.nextBoolean() ? who : relay;
    Set<String> errors = model.withdrawalErrors(id, sig);
    log(
        "request withdrawal (%s) of %s amount %s to %s, balance %s, by %s, expecting %s",
        what,
        name(id),
        sig.amount(),
        name(sig.to()),
        bal,
        name(sender.address()),
        errors.isEmpty() ? "success" : errors);
    Outcome o =
        attempt(
            () ->
                payments.requestWithdrawal(
                    f.credentials(sender),
                    id.toString(),
                    sig.to().toString(),
                    sig.amount(),
                    sig.bytes()));
    expect(o, errors);
    if (o.receipt != null) {
      long due = blockTime(o.receipt) + notice;
      model.pending.put(id, new Pending(sig.to(), sig.amount(), due, n));
      model.nonce.put(id, n + 1);
      usedWithdrawals.computeIfAbsent(id, k -> new ArrayList<>()).add(sig);
      count("request withdrawal");
    }
  }

  private void completeWithdrawal() throws Exception {
    List<PrivateKey> due =
        identities.stream().filter(k -> model.pending.containsKey(k.address())).toList();
    PrivateKey who = due.isEmpty() || rnd.nextInt(5) == 0 ? pick(identities) : pick(due);
    Address id = who.address();
    PrivateKey sender = pick(List.of(who, relay, pick(identities)));
    Pending p = model.pending.get(id);
    long now = f.client.latestBlockTime();
    // OpenZeppelin's ERC20 refuses to pay the zero address: such a request never completes (a new
    // one replaces it) and loses nothing
    boolean nowhere = p != null && p.to().equals(NOWHERE);
    Set<String> ifDue = nowhere ? Set.of("ERC20InvalidReceiver") : Set.of();
    Set<String> errors = null; // null: near the due time, either
    if (p == null) {
      errors = Set.of("NoPendingWithdrawal");
    } else if (now >= p.completableAt()) {
      errors = ifDue;
    } else if (p.completableAt() - now > CLOCK_SLACK) {
      errors = Set.of("WithdrawalNotDue");
    } else if (nowhere) {
      errors = Set.of("WithdrawalNotDue", "ERC20InvalidReceiver");
    }
    BigInteger bal = model.balanceOf(id);
    BigInteger senderTokens = f.token.balanceOf(id(sender));
    BigInteger destTokens = p == null ? ZERO : f.token.balanceOf(p.to().toString());
    log(
        "complete withdrawal of %s (%s), balance %s, by %s, expecting %s",
        name(id),
        p == null ? "none pending" : p.amount() + " due in " + (p.completableAt() - now) + " s",
        bal,
        name(sender.address()),
        errors == null ? "either" : errors.isEmpty() ? "success" : errors);
    Outcome o = attempt(() -> payments.completeWithdrawal(f.credentials(sender), id.toString()));
    if (errors != null || o.error != null) {
      expect(o, errors == null ? Set.of("WithdrawalNotDue") : errors);
    }
    if (o.receipt == null) {
      return;
    }
    assertThat(blockTime(o.receipt))
        .as(context("a withdrawal never completes before completableAt"))
        .isGreaterThanOrEqualTo(p.completableAt());
    BigInteger paid = p.amount().min(bal);
    assertThat(f.token.balanceOf(p.to().toString()).subtract(destTokens))
        .as(context("min(requested, balance) goes to the signed destination"))
        .isEqualTo(paid);
    if (!sender.address().equals(p.to())) {
      assertThat(f.token.balanceOf(id(sender)))
          .as(context("whoever completes it receives nothing"))
          .isEqualTo(senderTokens);
    }
    model.add(id, paid.negate());
    model.pending.remove(id);
    model.exchangeTokens.computeIfPresent(p.to(), (k, v) -> v.add(paid));
    count(paid.compareTo(p.amount()) < 0 ? "complete withdrawal short" : "complete withdrawal");
  }

  private void setFee() throws Exception {
    boolean byOwner = rnd.nextInt(10) != 0;
    Credentials sender = byOwner ? owner : f.credentials(relay);
    Address account = rnd.nextInt(4) == 0 ? pick(actors.feeAccounts()) : model.feeAccount;
    int current = model.feeBps;
    int bps;
    if (rnd.nextInt(8) == 0) {
      bps = 1001 + rnd.nextInt(500);
    } else if (rnd.nextBoolean() && current < 1000) {
      bps = current + 1 + rnd.nextInt(1000 - current);
    } else {
      bps = rnd.nextInt(current + 1);
    }
    Set<String> errors = new HashSet<>();
    if (!byOwner) {
      errors.add("OwnableUnauthorizedAccount");
    }
    if (bps > 1000) {
      errors.add("FeeTooHigh");
    }
    boolean atOnce = bps <= current;
    log(
        "set fee %d bp (in force %d) to %s%s, expecting %s",
        bps,
        current,
        name(account),
        byOwner ? "" : " by a stranger",
        errors.isEmpty() ? (atOnce ? "applied" : "scheduled") : errors);
    int chosen = bps;
    Outcome o = attempt(() -> payments.setFee(sender, account.toString(), chosen));
    expect(o, errors);
    if (o.receipt == null) {
      return;
    }
    if (atOnce) {
      model.scheduled = null;
      model.creditFees();
      model.feeAccount = account;
      model.feeBps = bps;
      count("fee decrease");
    } else {
      model.scheduled = new Scheduled(account, bps, blockTime(o.receipt) + notice);
      count("fee increase scheduled");
    }
  }

  private void applyScheduledFee() throws Exception {
    PrivateKey sender = pick(List.of(relay, pick(identities)));
    Scheduled next = model.scheduled;
    long now = f.client.latestBlockTime();
    Set<String> errors = null; // null: near the due time, either
    if (next == null) {
      errors = Set.of("NoScheduledFee");
    } else if (now >= next.effectiveAt()) {
      errors = Set.of();
    } else if (next.effectiveAt() - now > CLOCK_SLACK) {
      errors = Set.of("FeeChangeNotDue");
    }
    log(
        "apply scheduled fee (%s), expecting %s",
        next == null ? "none" : next.bps() + " bp due in " + (next.effectiveAt() - now) + " s",
        errors == null ? "either" : errors.isEmpty() ? "success" : errors);
    Outcome o = attempt(() -> payments.applyScheduledFee(f.credentials(sender)));
    if (errors != null || o.error != null) {
      expect(o, errors == null ? Set.of("FeeChangeNotDue") : errors);
    }
    if (o.receipt == null) {
      return;
    }
    assertThat(blockTime(o.receipt))
        .as(context("a fee increase never applies before its time"))
        .isGreaterThanOrEqualTo(next.effectiveAt());
    model.creditFees();
    model.feeAccount = next.account();
    model.feeBps = next.bps();
    model.scheduled = null;
    count("fee increase applied");
  }

  private void collectFees() throws Exception {
    PrivateKey sender = pick(List.of(relay, pick(identities)));
    log(
        "collect fees %s to %s by %s",
        model.feesAccrued, name(model.feeAccount), name(sender.address()));
    payments.collectFees(f.credentials(sender));
    model.creditFees();
    count("collect fees");
  }

  private void advanceClock() throws Exception {
    long now = f.client.latestBlockTime();
    List<Long> dues = model.dueTimes(actors.identities()); // in order, so a seed replays
    int kind = rnd.nextInt(10);
    long by;
    if (kind < 4 && !dues.isEmpty()) {
      by = pick(dues) - now + rnd.nextInt(-2, 3); // to the edge of a due time
    } else if (kind < 7) {
      by = rnd.nextInt(1, 60);
    } else {
      by = notice + rnd.nextInt(-5, 6);
    }
    by = Math.max(1, by);
    log("advance the clock %d s", by);
    f.client.advanceTimeOnDevChain(Duration.ofSeconds(by));
    count("advance clock");
  }

  // ---- helpers ----

  private void verify() throws ChainException {
    model.verify(payments, f.token, f.deployment.payments(), actors, this::context);
  }

  private interface Tx {
    TransactionReceipt send() throws ChainException;
  }

  private static Outcome attempt(Tx tx) throws ChainException {
    try {
      return new Outcome(tx.send(), null);
    } catch (ContractRevertException e) {
      return new Outcome(null, e.errorName());
    }
  }

  /** Success when no error applies, else one of those that apply (their order is unspecified). */
  private void expect(Outcome o, Set<String> errors) {
    if (errors.isEmpty()) {
      assertThat(o.error).as(context("expected to succeed")).isNull();
    } else {
      assertThat(o.error).as(context("expected to revert with one of " + errors)).isIn(errors);
      count("refused " + o.error);
    }
  }

  private long blockTime(TransactionReceipt receipt) throws Exception {
    return f.client
        .web3()
        .ethGetBlockByNumber(DefaultBlockParameter.valueOf(receipt.getBlockNumber()), false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  /** From 1 wei to {@code myst} MYST, with odd low digits so fees round. */
  private BigInteger amount(long myst) {
    return new BigInteger(70, rnd).mod(MYST.multiply(BigInteger.valueOf(myst))).add(BigInteger.ONE);
  }

  private BigInteger randomUpTo(BigInteger max) {
    return new BigInteger(max.bitLength() + 8, rnd).mod(max).add(BigInteger.ONE);
  }

  private <T> T pick(List<T> from) {
    return from.get(rnd.nextInt(from.size()));
  }

  private static String id(PrivateKey key) {
    return key.address().toString();
  }

  private String name(Address a) {
    return actors.name(a);
  }

  private void log(String format, Object... args) {
    if (trace.size() == TRACE) {
      trace.removeFirst();
    }
    trace.addLast(step + ": " + format.formatted(args));
  }

  private void count(String what) {
    outcomes.merge(what, 1, Integer::sum);
  }

  private String context(String what) {
    return what + " (seed " + seed + ", step " + step + ": " + trace.peekLast() + ")";
  }
}
