package network.mysterium.app.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import network.mysterium.app.node.DesktopNode;
import network.mysterium.i18n.Messages;

/**
 * The wallet view's state: the identity, its balances (wallet and payments account), a deposit with
 * its error in words, and every promise made with whether its provider cleared it.
 */
public final class WalletViewModel {
  private final DesktopNode node;
  private final Background background;
  private final Messages messages;
  private final StringProperty address = new SimpleStringProperty("");
  private final StringProperty walletBalance = new SimpleStringProperty("-");
  private final StringProperty paymentsBalance = new SimpleStringProperty("-");
  private final StringProperty registration = new SimpleStringProperty("-");
  private final StringProperty depositAmount = new SimpleStringProperty("");
  private final StringProperty withdrawTo = new SimpleStringProperty("");
  private final StringProperty withdrawAmount = new SimpleStringProperty("");
  private final StringProperty error = new SimpleStringProperty("");
  private final StringProperty notice = new SimpleStringProperty("");
  private final BooleanProperty busy = new SimpleBooleanProperty();
  private final ObservableList<DesktopNode.PromiseRow> promises =
      FXCollections.observableArrayList();

  public WalletViewModel(DesktopNode node, Background background, Messages messages) {
    this.node = node;
    this.background = background;
    this.messages = messages;
    address.set(node.address().toString());
  }

  /** Reads balances and promises again. */
  public void refresh() {
    busy.set(true);
    background.run(
        () -> new Snapshot(node.balances(), node.promises()),
        snapshot -> {
          walletBalance.set(snapshot.balances().wallet().toString());
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
      DesktopNode.Balances balances, java.util.List<DesktopNode.PromiseRow> promises) {}

  /** Deposits the amount typed (the view has asked the user to confirm it). */
  public void deposit() {
    String amount = depositAmount.get() == null ? "" : depositAmount.get();
    error.set("");
    notice.set("");
    busy.set(true);
    background.run(
        () -> {
          node.deposit(amount);
          return amount;
        },
        done -> {
          notice.set(messages.get("app.wallet.deposited", done.strip()));
          depositAmount.set("");
          refresh();
        },
        e -> {
          busy.set(false);
          error.set(
              e instanceof DesktopNode.DepositException d
                  ? messages.get(d.messageKey(), d.getMessage())
                  : messages.get("app.error.chain", e.getMessage()));
        });
  }

  /** Withdraws the amount typed to the address typed (the view has asked to confirm). */
  public void withdraw() {
    String to = withdrawTo.get() == null ? "" : withdrawTo.get();
    String amount = withdrawAmount.get() == null ? "" : withdrawAmount.get();
    error.set("");
    notice.set("");
    busy.set(true);
    background.run(
        () -> {
          node.withdraw(to, amount);
          return amount;
        },
        done -> {
          notice.set(messages.get("app.wallet.withdrawn", done.strip(), to.strip()));
          withdrawAmount.set("");
          refresh();
        },
        e -> {
          busy.set(false);
          error.set(
              e instanceof DesktopNode.DepositException d
                  ? messages.get(d.messageKey(), d.getMessage())
                  : messages.get("app.error.chain", e.getMessage()));
        });
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

  public ObservableList<DesktopNode.PromiseRow> promises() {
    return promises;
  }
}
