package network.mysterium.app.viewmodel;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Optional;
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
 * its error in words, a withdrawal requested and when it can complete, what providers hold of its
 * promises uncleared, and every promise made with whether its provider cleared it.
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
  private final StringProperty uncleared = new SimpleStringProperty("-");
  private final BooleanProperty registered = new SimpleBooleanProperty(true);
  private final StringProperty depositAmount = new SimpleStringProperty("");
  private final StringProperty withdrawTo = new SimpleStringProperty("");
  private final StringProperty withdrawAmount = new SimpleStringProperty("");
  private final StringProperty error = new SimpleStringProperty("");
  private final StringProperty notice = new SimpleStringProperty("");
  private final BooleanProperty busy = new SimpleBooleanProperty();
  private final StringProperty pendingWithdrawal = new SimpleStringProperty("");
  private final BooleanProperty withdrawalDue = new SimpleBooleanProperty();
  private final DateTimeFormatter dateTime;
  private final ObservableList<NodeWallet.PromiseRow> promises =
      FXCollections.observableArrayList();

  public WalletViewModel(Node node, Background background, Messages messages) {
    this.node = node;
    this.background = background;
    this.messages = messages;
    address.set(node.address().toString());
    Locale locale = messages.bundle().getLocale();
    // the root bundle is English; its locale has no language to format dates in
    this.dateTime =
        DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM)
            .withLocale(locale.getLanguage().isEmpty() ? Locale.ENGLISH : locale)
            .withZone(ZoneId.systemDefault());
  }

  /** Reads balances and promises again. */
  public void refresh() {
    refresh(balances -> {});
  }

  /** Reads balances and promises again, then hands the balances read to {@code then}. */
  private void refresh(java.util.function.Consumer<NodeWallet.Balances> then) {
    busy.set(true);
    background.run(
        () -> new Snapshot(node.wallet().balances(), node.wallet().promises()),
        snapshot -> {
          walletBalance.set(snapshot.balances().wallet().toString());
          etherBalance.set(ether(snapshot.balances().etherWei()) + " ETH");
          NodeWallet.Balances b = snapshot.balances();
          // a defaulted identity must register again: the register action shows for it too
          registered.set(b.registered() && !b.defaulted());
          paymentsBalance.set(b.paymentsAccount().toString());
          uncleared.set(unclearedText(b.uncleared()));
          registration.set(
              messages.get(
                  b.defaulted()
                      ? "app.wallet.defaulted"
                      : b.registered() ? "app.wallet.registered" : "app.wallet.not-registered"));
          promises.setAll(snapshot.promises());
          Optional<NodeWallet.PendingWithdrawal> pending = snapshot.balances().pendingWithdrawal();
          pendingWithdrawal.set(pending.map(this::pendingText).orElse(""));
          withdrawalDue.set(pending.map(NodeWallet.PendingWithdrawal::due).orElse(false));
          busy.set(false);
          then.accept(snapshot.balances());
        },
        e -> {
          error.set(messages.get("app.error.chain", e.getMessage()));
          notice.set(""); // a "sending" notice would stay up for good
          busy.set(false);
        });
  }

  /** What providers hold uncleared: they count it as spent from the payments account (6.5.6). */
  private String unclearedText(NodeWallet.Uncleared u) {
    return u.byProvider().isEmpty()
        ? messages.get("app.wallet.uncleared.none")
        : messages.get(
            "app.wallet.uncleared.held",
            u.total().toPlainString(),
            Integer.toString(u.byProvider().size()));
  }

  private String pendingText(NodeWallet.PendingWithdrawal p) {
    return p.due()
        ? messages.get("app.wallet.pending.due", p.amount().toPlainString(), p.to().toString())
        : messages.get(
            "app.wallet.pending.requested",
            p.amount().toPlainString(),
            p.to().toString(),
            dateTime.format(p.completableAt()));
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
        (last, after) -> {
          notice.set(messages.get("app.wallet.deposited", amount.strip()));
          depositAmount.set("");
        });
  }

  /**
   * Requests the withdrawal of the amount typed to the address typed, after confirming it with its
   * fee; the payments account holds the amount until the request is completed after its notice.
   */
  public void withdraw(Confirmation confirmation) {
    String to = text(withdrawTo);
    String amount = text(withdrawAmount);
    steps(
        () -> node.wallet().previewWithdrawal(to, amount),
        "app.wallet.error.too-much-account",
        confirmation,
        (last, after) -> {
          // the chain says when it can complete; without a pending request (replaced or rewound
          // meanwhile) the pending text, empty, says what is true
          notice.set(
              after
                  .pendingWithdrawal()
                  .map(
                      p ->
                          messages.get(
                              "app.wallet.withdrawn",
                              p.amount().toPlainString(),
                              p.to().toString(),
                              dateTime.format(p.completableAt())))
                  .orElse(""));
          withdrawAmount.set("");
        });
  }

  /**
   * Completes the requested withdrawal once its notice has passed, after confirming it with its
   * fee: the payments account sends the amount to the address the request named.
   */
  public void completeWithdrawal(Confirmation confirmation) {
    steps(
        node.wallet()::previewWithdrawalCompletion,
        "app.wallet.error.too-much-account",
        confirmation,
        (last, after) ->
            notice.set(
                messages.get("app.wallet.withdrawal-completed", last.amount().toPlainString())));
  }

  /** What to do once the last step is mined and the balances are read again. */
  private interface Done {
    void run(NodeWallet.Preview last, NodeWallet.Balances after);
  }

  /** Registers this identity (the stake's approval, then the registration), each step confirmed. */
  public void register(Confirmation confirmation) {
    steps(
        node.wallet()::previewRegistration,
        "app.wallet.error.chain",
        confirmation,
        (last, after) -> notice.set(messages.get("app.wallet.registered-now")));
  }

  private static String text(StringProperty property) {
    return property.get() == null ? "" : property.get();
  }

  private void steps(
      Background.Work<NodeWallet.Preview> next,
      String tooMuchKey,
      Confirmation confirmation,
      Done done) {
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
                  refresh(after -> done.run(sent, after));
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
    String key = "app.wallet.step." + step.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
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
          case NO_PENDING_WITHDRAWAL -> "app.wallet.error.no-pending-withdrawal";
          case WITHDRAWAL_NOT_DUE -> "app.wallet.error.withdrawal-not-due";
          default -> "app.wallet.error.chain";
        };
    String argument =
        switch (n.code()) {
          case WITHDRAWAL_NOT_DUE -> localTime(shown);
          default -> key.equals("app.wallet.error.chain") ? n.getMessage() : shown;
        };
    error.set(messages.get(key, argument));
    if (n.code() == NodeException.Code.NO_PENDING_WITHDRAWAL
        || n.code() == NodeException.Code.WITHDRAWAL_NOT_DUE) {
      refresh(); // what is shown of the withdrawal was out of date
    }
  }

  /** An ISO instant as a local date and time; text that is none is shown as it came. */
  private String localTime(String iso) {
    try {
      return dateTime.format(Instant.parse(iso));
    } catch (java.time.format.DateTimeParseException e) {
      return iso;
    }
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

  /** What this identity promised and providers have not cleared yet, in words. */
  public StringProperty uncleared() {
    return uncleared;
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

  /** The withdrawal requested and not completed, in words; empty when there is none. */
  public StringProperty pendingWithdrawal() {
    return pendingWithdrawal;
  }

  /** Whether the requested withdrawal's notice has passed (by the chain's clock). */
  public BooleanProperty withdrawalDue() {
    return withdrawalDue;
  }

  public BooleanProperty busy() {
    return busy;
  }

  public ObservableList<NodeWallet.PromiseRow> promises() {
    return promises;
  }
}
