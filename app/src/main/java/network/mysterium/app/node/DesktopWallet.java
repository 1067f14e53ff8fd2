package network.mysterium.app.node;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The identity's money as the app shows it: balances, deposits, withdrawals and registration as
 * steps estimated before they are sent, and every promise made with whether it was cleared.
 * Blocking calls: the app runs them off the FX thread.
 */
public final class DesktopWallet {
  private final PrivateKey key;
  private final ConsumerNode consumer;
  private final ChainWallet wallet;
  private final PaymentsContract payments;

  DesktopWallet(
      PrivateKey key, ConsumerNode consumer, ChainWallet wallet, PaymentsContract payments) {
    this.key = key;
    this.consumer = consumer;
    this.wallet = wallet;
    this.payments = payments;
  }

  /** One promise this node made, and whether the provider cleared it on chain. */
  public record PromiseRow(Address provider, long serial, Myst amount, boolean cleared) {}

  /**
   * The identity's money: ETH for gas, wallet (MYST held), payments account (deposited), and
   * registration.
   */
  public record Balances(
      BigInteger etherWei, Myst wallet, Myst paymentsAccount, boolean registered) {}

  /** A deposit that cannot be made; the message key says why, for the user. */
  public static final class DepositException extends Exception {
    private final String messageKey;

    public DepositException(String messageKey, String detail) {
      super(detail);
      this.messageKey = messageKey;
    }

    public String messageKey() {
      return messageKey;
    }
  }

  public Balances balances() throws ChainException {
    ChainWallet.Balances b = wallet.balances(key.address());
    return new Balances(b.etherWei(), b.wallet(), b.paymentsAccount(), b.registered());
  }

  /**
   * The next transaction of a deposit into this identity's payments account (an approval first when
   * the payments contract may not yet take the amount), with its fee estimated.
   *
   * @throws DepositException when the amount is not a positive MYST amount or more than the wallet
   *     holds (checked before any transaction), or the chain refuses
   */
  public ChainWallet.Step nextDepositStep(String amountText) throws DepositException {
    Myst amount = positive(amountText);
    try {
      if (amount.compareTo(wallet.balances(key.address()).wallet()) > 0) {
        throw new DepositException("app.wallet.error.too-much", amountText);
      }
      return wallet.nextDepositStep(key, key.address(), amount);
    } catch (ChainException e) {
      throw new DepositException("app.wallet.error.chain", e.getMessage());
    }
  }

  /**
   * The transaction sending MYST from the payments account to an address (signed by this identity),
   * with its fee estimated.
   *
   * @throws DepositException when the address or amount is not valid or more than the account holds
   *     (checked before any transaction), or the chain refuses
   */
  public ChainWallet.Step withdrawalStep(String toText, String amountText) throws DepositException {
    Address to;
    try {
      to = Address.parse(toText.strip());
    } catch (RuntimeException e) {
      throw new DepositException("app.wallet.error.address", toText);
    }
    Myst amount = positive(amountText);
    try {
      if (amount.compareTo(wallet.balances(key.address()).paymentsAccount()) > 0) {
        throw new DepositException("app.wallet.error.too-much-account", amountText);
      }
      return wallet.withdrawalStep(key, to, amount);
    } catch (ChainException e) {
      throw new DepositException("app.wallet.error.chain", e.getMessage());
    }
  }

  /**
   * The next transaction of registering this identity (the stake's approval first), with its fee.
   *
   * @throws DepositException when the wallet holds less than the stake, or the chain refuses
   */
  public ChainWallet.Step nextRegistrationStep() throws DepositException {
    try {
      ChainWallet.Balances b = wallet.balances(key.address());
      if (b.registered()) {
        throw new DepositException("app.wallet.error.registered", key.address().toString());
      }
      return wallet.nextRegistrationStep(key);
    } catch (ChainException e) {
      throw new DepositException("app.wallet.error.chain", e.getMessage());
    }
  }

  /** Sends a step the user confirmed, and waits until it is mined. */
  public void send(ChainWallet.Step step) throws DepositException {
    try {
      wallet.send(key, step);
    } catch (ChainException e) {
      throw new DepositException("app.wallet.error.chain", e.getMessage());
    }
  }

  private static Myst positive(String amountText) throws DepositException {
    Myst amount;
    try {
      amount = Myst.parse(amountText.strip());
    } catch (RuntimeException e) {
      throw new DepositException("app.wallet.error.amount", amountText);
    }
    if (amount.baseUnits().signum() <= 0) {
      throw new DepositException("app.wallet.error.amount", amountText);
    }
    return amount;
  }

  /** Every promise made, with whether its provider has cleared it on chain. */
  public List<PromiseRow> promises() throws StoreException, ChainException {
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
  }
}
