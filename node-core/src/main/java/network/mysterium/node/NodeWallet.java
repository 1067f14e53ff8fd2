package network.mysterium.node;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.ChainWallet;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.payments.SignedPromise;
import network.mysterium.store.StoreException;

/**
 * The identity's money: balances, and every transaction (deposit, withdrawal, registration) as a
 * {@link Preview} with its fee, sent only when a second call confirms that preview. Amounts and
 * addresses arrive as text from people and programs: they are checked before anything reaches the
 * chain.
 */
public final class NodeWallet {
  /** How many unconfirmed previews a node keeps; the oldest goes first. */
  static final int MAX_PREVIEWS = 16;

  private final PrivateKey key;
  private final ConsumerNode consumer;
  private final ChainWallet wallet;
  private final PaymentsContract payments;
  private final ChainIndex index;
  private volatile Runnable moved = () -> {};
  private final SecureRandom random = new SecureRandom();
  private final Map<String, ChainWallet.Step> previews =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ChainWallet.Step> eldest) {
          return size() > MAX_PREVIEWS;
        }
      };

  NodeWallet(PrivateKey key, ConsumerNode consumer, NodeChain chain, ChainIndex index) {
    this.key = key;
    this.consumer = consumer;
    this.index = index;
    this.wallet = new ChainWallet(chain.client(), chain.deployment());
    this.payments = new PaymentsContract(chain.client(), chain.deployment().payments());
  }

  /**
   * ETH for gas (wei), the MYST wallet, the payments account (deposited), registration, a
   * withdrawal requested and not yet completed (the payments account still holds it), and whether
   * the identity defaulted (a promise it signed was cleared against its stake: providers refuse it
   * until it registers again), and what it promised providers that the chain does not show cleared:
   * providers count that as taken from the payments account (whitepaper 6.5.6).
   */
  public record Balances(
      BigInteger etherWei,
      Myst wallet,
      Myst paymentsAccount,
      boolean registered,
      Myst stake,
      java.util.Optional<PendingWithdrawal> pendingWithdrawal,
      boolean defaulted,
      Uncleared uncleared) {
    /**
     * The chain's balances, a pending withdrawal judged due or not by the chain's clock, with what
     * the identity's ledger holds uncleared.
     */
    static Balances of(ChainWallet.Balances b, ChainWallet wallet, Uncleared uncleared)
        throws ChainException {
      java.util.Optional<PendingWithdrawal> pending = java.util.Optional.empty();
      if (b.pendingWithdrawal().isPresent()) {
        ChainWallet.PendingWithdrawal p = b.pendingWithdrawal().get();
        boolean due = !wallet.chainTime().isBefore(p.completableAt());
        pending =
            java.util.Optional.of(
                new PendingWithdrawal(p.to(), p.amount(), p.completableAt(), due));
      }
      return new Balances(
          b.etherWei(),
          b.wallet(),
          b.paymentsAccount(),
          b.registered(),
          b.stake(),
          pending,
          b.defaulted(),
          uncleared);
    }

    /** The same balances with what the identity's ledger says is promised and not cleared. */
    public Balances with(Uncleared promised) {
      return new Balances(
          etherWei,
          wallet,
          paymentsAccount,
          registered,
          stake,
          pendingWithdrawal,
          defaulted,
          promised);
    }
  }

  /**
   * What this identity promised and the chain does not show cleared: in total, and per provider
   * (most first). A provider holding a promise counts its amount as gone from the payments account
   * (and tells other providers, which count it too), until it clears it on chain.
   */
  public record Uncleared(Myst total, List<Owed> byProvider) {
    /** Nothing promised, or all of it cleared; also what the chain alone knows of any identity. */
    public static final Uncleared NONE = new Uncleared(Myst.ZERO, List.of());

    public Uncleared {
      byProvider = List.copyOf(byProvider);
    }

    /**
     * The promises of each serial above the last one the chain cleared for its provider (a cleared
     * serial closes the ones below it too).
     */
    static Uncleared of(List<SignedPromise> issued, Map<Address, Long> lastCleared) {
      Map<Address, BigInteger> owed = new LinkedHashMap<>();
      for (SignedPromise p : issued) {
        Address provider = p.promise().benefiter();
        if (p.promise().serial() > lastCleared.getOrDefault(provider, 0L)) {
          owed.merge(provider, p.promise().amount().baseUnits(), BigInteger::add);
        }
      }
      List<Owed> rows = new ArrayList<>();
      BigInteger total = BigInteger.ZERO;
      for (Map.Entry<Address, BigInteger> e : owed.entrySet()) {
        if (e.getValue().signum() > 0) {
          rows.add(new Owed(e.getKey(), Myst.ofBaseUnits(e.getValue())));
          total = total.add(e.getValue());
        }
      }
      rows.sort(java.util.Comparator.comparing(Owed::amount).reversed());
      return new Uncleared(Myst.ofBaseUnits(total), rows);
    }
  }

  /** What one provider holds of this identity's promises, not yet cleared. */
  public record Owed(Address provider, Myst amount) {}

  /**
   * A requested withdrawal: where to, how much, from when it can complete, and whether the chain's
   * clock has reached that.
   */
  public record PendingWithdrawal(
      Address to, Myst amount, java.time.Instant completableAt, boolean due) {}

  /** What a transaction does; an approval is followed by the action itself. */
  public enum StepKind {
    APPROVE_STAKE,
    REGISTER,
    APPROVE_DEPOSIT,
    DEPOSIT,
    /** Requests a withdrawal; it completes after the deployment's notice. */
    WITHDRAW,
    COMPLETE_WITHDRAWAL
  }

  /**
   * One transaction, not sent: what it moves, its estimated gas and most it costs in wei, and
   * whether the action is complete after it (an approval is not).
   */
  public record Preview(
      String id, StepKind kind, Myst amount, BigInteger gas, BigInteger maxFeeWei, boolean last) {}

  /** One promise this node made, and whether the provider cleared it on chain. */
  public record PromiseRow(Address provider, long serial, Myst amount, boolean cleared) {}

  public Balances balances() throws NodeException {
    try {
      return Balances.of(wallet.balances(key.address()), wallet, uncleared());
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * What this identity promised and providers have not cleared: its own ledger of promises against
   * the clearings the node's chain index holds (no chain call; as fresh as the follower).
   */
  public Uncleared uncleared() throws NodeException {
    try {
      return Uncleared.of(consumer.promisesIssued(), index.lastClearedSerials(key.address()));
    } catch (StoreException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * The next transaction of a deposit into this identity's payments account (an approval first when
   * the payments contract may not yet take the amount).
   *
   * @throws NodeException {@code INVALID_AMOUNT} for an amount that is not positive MYST, {@code
   *     INSUFFICIENT_FUNDS} for more than the wallet holds (both before any chain call but the
   *     balance), or the chain's refusal
   */
  public Preview previewDeposit(String amountText) throws NodeException {
    Myst amount = positive(amountText);
    try {
      if (amount.compareTo(wallet.balances(key.address()).wallet()) > 0) {
        throw new NodeException(
            NodeException.Code.INSUFFICIENT_FUNDS, "the wallet holds less", amountText);
      }
      return keep(wallet.nextDepositStep(key, key.address(), amount));
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * The transaction requesting MYST from the payments account be sent to an address: it can be
   * completed ({@link #previewWithdrawalCompletion}) after the deployment's notice, which gives the
   * providers paid from this account time to clear. A new request replaces a pending one.
   *
   * @throws NodeException {@code INVALID_ADDRESS} or {@code INVALID_AMOUNT}, {@code
   *     INSUFFICIENT_FUNDS} for more than the account holds, or the chain's refusal
   */
  public Preview previewWithdrawal(String toText, String amountText) throws NodeException {
    Address to;
    try {
      to = Address.parse(toText.strip());
    } catch (RuntimeException e) {
      throw new NodeException(NodeException.Code.INVALID_ADDRESS, "not an address", toText);
    }
    Myst amount = positive(amountText);
    try {
      if (amount.compareTo(wallet.balances(key.address()).paymentsAccount()) > 0) {
        throw new NodeException(
            NodeException.Code.INSUFFICIENT_FUNDS, "the payments account holds less", amountText);
      }
      return keep(wallet.withdrawalStep(key, to, amount));
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * The transaction completing the requested withdrawal, once its notice has passed.
   *
   * @throws NodeException {@code NO_PENDING_WITHDRAWAL}, {@code WITHDRAWAL_NOT_DUE} (the detail
   *     says from when), or the chain's refusal
   */
  public Preview previewWithdrawalCompletion() throws NodeException {
    try {
      java.util.Optional<ChainWallet.PendingWithdrawal> pending =
          wallet.pendingWithdrawal(key.address());
      if (pending.isEmpty()) {
        throw new NodeException(
            NodeException.Code.NO_PENDING_WITHDRAWAL, "no withdrawal was requested");
      }
      java.time.Instant due = pending.get().completableAt();
      if (wallet.chainTime().isBefore(due)) {
        throw new NodeException(
            NodeException.Code.WITHDRAWAL_NOT_DUE,
            "the withdrawal can complete from " + due,
            due.toString());
      }
      return keep(wallet.completionStep(key));
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * The next transaction of registering this identity (the stake's approval first).
   *
   * @throws NodeException {@code ALREADY_REGISTERED}, or the chain's refusal (a wallet holding less
   *     than the stake)
   */
  public Preview previewRegistration() throws NodeException {
    try {
      ChainWallet.Balances now = wallet.balances(key.address());
      if (now.registered() && !now.defaulted()) { // a defaulted identity registers again
        throw new NodeException(
            NodeException.Code.ALREADY_REGISTERED, "registered already", key.address().toString());
      }
      return keep(wallet.nextRegistrationStep(key));
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * Sends a previewed transaction and waits until it is mined; the preview is used up.
   *
   * @return the transaction's hash
   * @throws NodeException {@code UNKNOWN_PREVIEW} when this node holds no such preview
   */
  public String confirm(String previewId) throws NodeException {
    ChainWallet.Step step;
    synchronized (previews) {
      step = previews.remove(previewId);
    }
    if (step == null) {
      throw new NodeException(
          NodeException.Code.UNKNOWN_PREVIEW, "no such preview (confirmed, or too old)", previewId);
    }
    try {
      return wallet.send(key, step).getTransactionHash();
    } catch (ChainException e) {
      throw NodeException.of(e);
    } finally {
      moved.run(); // sent or not, the chain is worth reading again
    }
  }

  /** Called after every transaction this wallet sends (the node reads its money again). */
  void whenMoved(Runnable hook) {
    this.moved = hook;
  }

  private Preview keep(ChainWallet.Step step) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    String name = HexFormat.of().formatHex(id);
    synchronized (previews) {
      previews.put(name, step);
    }
    return new Preview(
        name,
        StepKind.valueOf(step.kind().name()),
        step.amount(),
        step.fee().gas(),
        step.fee().maxWei(),
        step.last());
  }

  private static Myst positive(String amountText) throws NodeException {
    Myst amount;
    try {
      amount = Myst.parse(amountText.strip());
    } catch (RuntimeException e) {
      throw new NodeException(NodeException.Code.INVALID_AMOUNT, "not a MYST amount", amountText);
    }
    if (amount.baseUnits().signum() <= 0) {
      throw new NodeException(NodeException.Code.INVALID_AMOUNT, "not positive", amountText);
    }
    return amount;
  }

  /** Every promise made, with whether its provider has cleared it on chain. */
  public List<PromiseRow> promises() throws NodeException {
    try {
      List<PromiseRow> rows = new ArrayList<>();
      Map<Address, Long> lastCleared = new java.util.HashMap<>(); // one chain call per provider
      for (SignedPromise p : consumer.promisesIssued()) {
        Address benefiter = p.promise().benefiter();
        Long cleared = lastCleared.get(benefiter);
        if (cleared == null) {
          cleared =
              payments
                  .lastClearedSerial(key.address().toString(), benefiter.toString())
                  .longValueExact();
          lastCleared.put(benefiter, cleared);
        }
        rows.add(
            new PromiseRow(
                benefiter,
                p.promise().serial(),
                p.promise().amount(),
                cleared >= p.promise().serial()));
      }
      return rows;
    } catch (ChainException | StoreException e) {
      throw NodeException.of(e);
    }
  }
}
