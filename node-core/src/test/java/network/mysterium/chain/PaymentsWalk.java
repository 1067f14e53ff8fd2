package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import network.mysterium.chain.PaymentsModel.Pair;
import network.mysterium.chain.PaymentsSignatures.Sig;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.ContractRevertException;
import network.mysterium.contracts.IdentityRegistryContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A random sequence of Payments and registry operations, honest and hostile, from one seed. Each
 * step's expected outcome comes from {@link PaymentsModel} (what docs/contracts.md says); after
 * every step the chain must equal the model and the invariants must hold on what the chain reports.
 * The steps live by concern in {@link PaymentsWalkAccounts} (deposits, withdrawals), {@link
 * PaymentsWalkClearings} (single clearings), {@link PaymentsWalkBatches} (batch clearings), {@link
 * PaymentsWalkStakes} (registration and its stake) and {@link PaymentsWalkFees} (fees and the
 * clock); this class holds the actors, the loop and what the steps share.
 */
final class PaymentsWalk {
  static final BigInteger MYST = ContractsFixture.MYST;

  /**
   * The next block's timestamp is only known once it is mined (wall clock plus anvil's offset): a
   * due time within this many seconds after the latest block may be reached or not, and either
   * outcome is accepted (a success is still checked against its block's timestamp).
   */
  static final long CLOCK_SLACK = 30;

  private static final int TRACE = 40;

  record Outcome(TransactionReceipt receipt, String error) {}

  interface Tx {
    TransactionReceipt send() throws ChainException;
  }

  final ContractsFixture f;
  final PaymentsContract payments;
  final IdentityRegistryContract registry;
  final Random rnd;
  final long notice;
  final PaymentsSignatures sigs;
  final Credentials owner;

  /** Issuers: C0 never registers (no stake), C1 registers at the start, C2 when the walk says. */
  final List<PrivateKey> consumers = new ArrayList<>();

  final List<PrivateKey> providers = new ArrayList<>();
  final List<PrivateKey> identities = new ArrayList<>();
  final PrivateKey relay;
  final PaymentsModel.Actors actors;
  final PaymentsModel model;

  /** The promise signatures that cleared, per pair, to replay in single and batch clearings. */
  final Map<Pair, List<Sig>> clearedPromises = new HashMap<>();

  private final long seed;
  private final PaymentsWalkAccounts accounts;
  private final PaymentsWalkClearings clearings;
  private final PaymentsWalkBatches batches;
  private final PaymentsWalkStakes stakes;
  private final PaymentsWalkFees fees;
  private final Deque<String> trace = new ArrayDeque<>();
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private int step;

  PaymentsWalk(ContractsFixture fixture, long seed) throws Exception {
    this.f = fixture;
    this.payments = fixture.payments;
    this.registry = fixture.registry;
    this.seed = seed;
    this.rnd = new Random(seed);
    this.notice = payments.withdrawalNotice();
    this.sigs = new PaymentsSignatures(fixture.paymentsDomain());
    this.owner = fixture.deployer;
    for (int i = 0; i < 3; i++) {
      consumers.add(fixture.identity(1000));
    }
    for (int i = 0; i < 2; i++) {
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
            Address.parse(fixture.deployment.payments()),
            registry.registrationStake());
    model.add(relay.address(), relayAccount);
    for (Address e : actors.exchanges()) {
      model.exchangeTokens.put(e, fixture.token.balanceOf(e.toString()));
    }
    for (PrivateKey c : consumers) { // consumers start with something to pay with
      BigInteger start = amount(30);
      fixture.deposit(c, c, start);
      model.add(c.address(), start);
    }
    accounts = new PaymentsWalkAccounts(this);
    clearings = new PaymentsWalkClearings(this);
    batches = new PaymentsWalkBatches(this);
    stakes = new PaymentsWalkStakes(this);
    fees = new PaymentsWalkFees(this);
    stakes.registerAtStart(consumers.get(1));
    verify();
  }

  /** Runs the steps; a failure names the seed to replay and the last steps taken. */
  void run(int steps) throws Exception {
    try {
      for (step = 1; step <= steps; step++) {
        int r = rnd.nextInt(100);
        if (r < 12) {
          accounts.deposit();
        } else if (r < 32) {
          clearings.clearing();
        } else if (r < 52) {
          batches.batch();
        } else if (r < 57) {
          stakes.register();
        } else if (r < 59) {
          stakes.setRegistrationStake();
        } else if (r < 69) {
          accounts.requestWithdrawal();
        } else if (r < 77) {
          accounts.completeWithdrawal();
        } else if (r < 83) {
          fees.setFee();
        } else if (r < 87) {
          fees.applyScheduledFee();
        } else if (r < 91) {
          fees.collectFees();
        } else {
          fees.advanceClock();
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

  // ---- what the steps share ----

  void verify() throws ChainException {
    model.verify(
        payments,
        f.token,
        f.deployment.payments(),
        registry,
        f.deployment.identityRegistry(),
        actors,
        this::context);
  }

  static Outcome attempt(Tx tx) throws ChainException {
    try {
      return new Outcome(tx.send(), null);
    } catch (ContractRevertException e) {
      return new Outcome(null, e.errorName());
    }
  }

  /** Success when no error applies, else one of those that apply (their order is unspecified). */
  void expect(Outcome o, Set<String> errors) {
    if (errors.isEmpty()) {
      assertThat(o.error()).as(context("expected to succeed")).isNull();
    } else {
      assertThat(o.error()).as(context("expected to revert with one of " + errors)).isIn(errors);
      count("refused " + o.error());
    }
  }

  long blockTime(TransactionReceipt receipt) throws Exception {
    return f.client
        .web3()
        .ethGetBlockByNumber(DefaultBlockParameter.valueOf(receipt.getBlockNumber()), false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  /** From 1 wei to {@code myst} MYST, with odd low digits so fees round. */
  BigInteger amount(long myst) {
    return new BigInteger(70, rnd).mod(MYST.multiply(BigInteger.valueOf(myst))).add(BigInteger.ONE);
  }

  BigInteger randomUpTo(BigInteger max) {
    return new BigInteger(max.bitLength() + 8, rnd).mod(max).add(BigInteger.ONE);
  }

  <T> T pick(List<T> from) {
    return from.get(rnd.nextInt(from.size()));
  }

  /** Tops up the key's wallet from the owner when it holds less than {@code needed} MYST. */
  void ensureTokens(PrivateKey who, BigInteger needed) throws ChainException {
    if (f.token.balanceOf(id(who)).compareTo(needed) < 0) {
      f.token.transfer(owner, id(who), needed.add(MYST.multiply(BigInteger.valueOf(1000))));
    }
  }

  static String id(PrivateKey key) {
    return key.address().toString();
  }

  String name(Address a) {
    return actors.name(a);
  }

  void log(String format, Object... args) {
    if (trace.size() == TRACE) {
      trace.removeFirst();
    }
    trace.addLast(step + ": " + format.formatted(args));
  }

  void count(String what) {
    outcomes.merge(what, 1, Integer::sum);
  }

  String context(String what) {
    return what + " (seed " + seed + ", step " + step + ": " + trace.peekLast() + ")";
  }
}
