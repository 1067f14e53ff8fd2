package network.mysterium.app.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import network.mysterium.i18n.Messages;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeWallet;

/**
 * The wallet view's state: the identity, its balances (wallet and payments account), a deposit with
 * its error in words, and every promise made with whether its provider cleared it.
 */
public final class WalletViewModel {
  private final Node node;
  private final Background background;
  private final Messages messages;
  private final StringProperty address = new SimpleStringProperty("");
  private final StringProperty walletBalance = new SimpleStringProperty("-");
  private final StringProperty paymentsBalance = new SimpleStringProperty("-");
  private final StringProperty registration = new SimpleStringProperty("-");
  private final StringProperty etherBalance = new SimpleStringProperty("-");
  private final BooleanProperty registered = new SimpleBooleanProperty(true);
  private final StringProperty depositAmount = new SimpleStringProperty("");
  private final StringProperty withdrawTo = new SimpleStringProperty("");
  private final StringProperty withdrawAmount = new SimpleStringProperty("");
  private final StringProperty error = new SimpleStringProperty("");
  private final StringProperty notice = new SimpleStringProperty("");
  private final BooleanProperty busy = new SimpleBooleanProperty();
  private final ObservableList<NodeWallet.PromiseRow> promises =
      FXCollections.observableArrayList();

  public WalletViewModel(Node node, Background background, Messages messages) {
    this.node = node;
    this.background = background;
    this.messages = messages;
    address.set(node.address().toString());
  }

  /** Reads balances and promises again. */
  public void refresh() {
    busy.set(true);
    background.run(
        () -> new Snapshot(node.wallet().balances(), node.wallet().promises()),
        snapshot -> {
          walletBalance.set(snapshot.balances().wallet().toString());
          etherBalance.set(ether(snapshot.balances().etherWei()) + " ETH");
          registered.set(snapshot.balances().registered());
          paymentsBalance.set(snapshot.balances().paymentsAccount().toString());
          registration.set(
              messages.get(
                  snapshot.balances().registered()
                      ? "app.wallet.registered"
                      : "app.wallet.not-registered"));
          promises.setAll(snapshot.promises());
          busy.set(false);
        },
        e -> {
          error.set(messages.get("app.error.chain", e.getMessage()));
          busy.set(false);
        });
  }

  private record Snapshot(
      NodeWallet.Balances balances, java.util.List<NodeWallet.PromiseRow> promises) {}

  /**
   * Deposits the amount typed: each transaction (an approval, then the deposit) is estimated, shown
   * with its fee for the user to confirm, and only then sent.
   */
  public void deposit(Confirmation confirmation) {
    String amount = text(depositAmount);
    steps(
        () -> node.wallet().previewDeposit(amount),
        "app.wallet.error.too-much",
        confirmation,
        () -> {
          notice.set(messages.get("app.wallet.deposited", amount.strip()));
          depositAmount.set("");
        });
  }

  /** Withdraws the amount typed to the address typed, after confirming it with its fee. */
  public void withdraw(Confirmation confirmation) {
    String to = text(withdrawTo);
    String amount = text(withdrawAmount);
    steps(
        () -> node.wallet().previewWithdrawal(to, amount),
        "app.wallet.error.too-much-account",
        confirmation,
        () -> {
          notice.set(messages.get("app.wallet.withdrawn", amount.strip(), to.strip()));
          withdrawAmount.set("");
        });
  }

  /** Registers this identity (the stake's approval, then the registration), each step confirmed. */
  public void register(Confirmation confirmation) {
    steps(
        node.wallet()::previewRegistration,
        "app.wallet.error.chain",
        confirmation,
        () -> notice.set(messages.get("app.wallet.registered-now")));
  }

  private static String text(StringProperty property) {
    return property.get() == null ? "" : property.get();
  }

  private void steps(
      Background.Work<NodeWallet.Preview> next,
      String tooMuchKey,
      Confirmation confirmation,
      Runnable done) {
    error.set("");
    notice.set("");
    busy.set(true);
    background.run(
        next,
        step -> {
          if (!confirmation.confirm(question(step))) {
            notice.set(messages.get("app.wallet.cancelled"));
            refresh();
            return;
          }
          notice.set(messages.get("app.wallet.sending"));
          background.run(
              () -> {
                node.wallet().confirm(step.id());
                return step;
              },
              sent -> {
                if (sent.last()) {
                  done.run();
                  refresh();
                } else {
                  steps(next, tooMuchKey, confirmation, done);
                }
              },
              e -> failed(e, tooMuchKey));
        },
        e -> failed(e, tooMuchKey));
  }

  /** What the step moves, and its fee at most (gas times the most paid per gas now). */
  private String question(NodeWallet.Preview step) {
    String key =
        "app.wallet.step."
            + step.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    String withdrawalTo = text(withdrawTo).strip();
    return messages.get(
        key,
        step.amount().toPlainString(),
        ether(step.maxFeeWei()),
        step.gas().toString(),
        withdrawalTo);
  }

  /** Wei as ETH, in plain digits (no exponent) and without trailing zeros. */
  static String ether(java.math.BigInteger wei) {
    return new java.math.BigDecimal(wei).movePointLeft(18).stripTrailingZeros().toPlainString();
  }

  private void failed(Exception e, String tooMuchKey) {
    busy.set(false);
    notice.set("");
    if (!(e instanceof NodeException n)) {
      error.set(messages.get("app.error.chain", e.getMessage()));
      return;
    }
    String shown = n.arguments().isEmpty() ? n.getMessage() : n.arguments().getFirst();
    String key =
        switch (n.code()) {
          case INVALID_AMOUNT -> "app.wallet.error.amount";
          case INVALID_ADDRESS -> "app.wallet.error.address";
          case INSUFFICIENT_FUNDS -> tooMuchKey;
          case ALREADY_REGISTERED -> "app.wallet.error.registered";
          default -> "app.wallet.error.chain";
        };
    error.set(messages.get(key, key.equals("app.wallet.error.chain") ? n.getMessage() : shown));
  }

  public StringProperty withdrawTo() {
    return withdrawTo;
  }

  public StringProperty withdrawAmount() {
    return withdrawAmount;
  }

  public StringProperty address() {
    return address;
  }

  public StringProperty walletBalance() {
    return walletBalance;
  }

  public StringProperty paymentsBalance() {
    return paymentsBalance;
  }

  public StringProperty etherBalance() {
    return etherBalance;
  }

  /** Whether the identity is registered (the register action shows while it is not). */
  public BooleanProperty registered() {
    return registered;
  }

  public StringProperty registration() {
    return registration;
  }

  public StringProperty depositAmount() {
    return depositAmount;
  }

  public StringProperty error() {
    return error;
  }

  public StringProperty notice() {
    return notice;
  }

  public BooleanProperty busy() {
    return busy;
  }

  public ObservableList<NodeWallet.PromiseRow> promises() {
    return promises;
  }
}
