package network.mysterium.app.view;

import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import network.mysterium.app.viewmodel.Confirmation;
import network.mysterium.app.viewmodel.WalletViewModel;
import network.mysterium.i18n.Messages;
import network.mysterium.node.NodeWallet;

/**
 * The wallet: the identity (with copy), registration with its action, balances (ETH for gas too),
 * what providers hold of its promises uncleared, deposit and withdrawal (requested, then completed
 * after its notice), each transaction confirmed with its fee in a dialog before it is sent, and the
 * promise history with each promise's clearing.
 */
public final class WalletView {
  private WalletView() {}

  /** The real confirmation: a modal dialog with the question. */
  public static Confirmation dialog() {
    return question -> {
      Alert alert =
          new Alert(Alert.AlertType.CONFIRMATION, question, ButtonType.OK, ButtonType.CANCEL);
      return alert.showAndWait().filter(ButtonType.OK::equals).isPresent();
    };
  }

  public static Parent build(WalletViewModel model, Messages messages, Confirmation confirmation) {
    Label address = new Label();
    address.setId("wallet-address");
    address.textProperty().bind(model.address());
    address.accessibleTextProperty().bind(model.address());
    Button copy = Views.button(messages, "wallet-copy", "app.wallet.copy");
    copy.setOnAction(
        e -> {
          ClipboardContent content = new ClipboardContent();
          content.putString(model.address().get());
          Clipboard.getSystemClipboard().setContent(content);
        });
    Label registered = bound(model.registration(), "wallet-registration");
    Label wallet = bound(model.walletBalance(), "wallet-balance");
    Label payments = bound(model.paymentsBalance(), "wallet-payments");

    GridPane grid = Views.form();
    grid.addRow(0, Views.label(messages, "app.wallet.identity"), new HBox(8, address, copy));
    Button register = Views.button(messages, "register-button", "app.wallet.register");
    register.visibleProperty().bind(model.registered().not());
    register.disableProperty().bind(model.busy());
    register.setOnAction(e -> model.register(confirmation));
    Label ether = bound(model.etherBalance(), "wallet-ether");
    grid.addRow(
        1, Views.label(messages, "app.wallet.registration"), new HBox(8, registered, register));
    grid.addRow(2, Views.label(messages, "app.wallet.wallet"), wallet);
    grid.addRow(3, Views.label(messages, "app.wallet.payments"), payments);
    grid.addRow(4, Views.label(messages, "app.wallet.gas"), ether);
    Label uncleared = bound(model.uncleared(), "wallet-uncleared");
    uncleared.setWrapText(true);
    grid.addRow(5, Views.label(messages, "app.wallet.uncleared"), uncleared);

    TextField amount =
        Views.field(messages, "deposit-amount", "app.wallet.amount", model.depositAmount());
    Button deposit = Views.button(messages, "deposit-button", "app.wallet.deposit");
    deposit.disableProperty().bind(model.busy());
    deposit.setOnAction(e -> model.deposit(confirmation));
    TextField to = Views.field(messages, "withdraw-to", "app.wallet.to", model.withdrawTo());
    TextField withdrawAmount =
        Views.field(
            messages, "withdraw-amount", "app.wallet.withdraw-amount", model.withdrawAmount());
    Button withdraw = Views.button(messages, "withdraw-button", "app.wallet.withdraw");
    withdraw.disableProperty().bind(model.busy());
    withdraw.setOnAction(e -> model.withdraw(confirmation));
    Label notice = bound(model.notice(), "wallet-notice");
    Label pending = bound(model.pendingWithdrawal(), "wallet-pending-withdrawal");
    pending.setWrapText(true);
    Button complete =
        Views.button(messages, "complete-withdrawal-button", "app.wallet.complete-withdrawal");
    complete.visibleProperty().bind(model.withdrawalDue());
    complete.managedProperty().bind(complete.visibleProperty());
    complete.disableProperty().bind(model.busy());
    complete.setOnAction(e -> model.completeWithdrawal(confirmation));

    TableView<NodeWallet.PromiseRow> promises = new TableView<>(model.promises());
    promises.setId("promises");
    promises.setAccessibleText(messages.get("app.wallet.promises"));
    promises.setPlaceholder(Views.label(messages, "app.wallet.no-promises"));
    promises
        .getColumns()
        .add(Views.column(messages, "app.wallet.col.provider", r -> r.provider().toString()));
    promises
        .getColumns()
        .add(Views.column(messages, "app.wallet.col.serial", r -> Long.toString(r.serial())));
    promises
        .getColumns()
        .add(Views.column(messages, "app.wallet.col.amount", r -> r.amount().toString()));
    promises
        .getColumns()
        .add(
            Views.column(
                messages,
                "app.wallet.col.status",
                r -> messages.get(r.cleared() ? "app.wallet.cleared" : "app.wallet.held")));
    promises.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

    Button refresh = Views.button(messages, "wallet-refresh", "app.refresh");
    refresh.setOnAction(e -> model.refresh());

    return Views.page(
        Views.heading(messages, "app.nav.wallet"),
        grid,
        new HBox(8, amount, deposit),
        new HBox(8, to, withdrawAmount, withdraw),
        new HBox(8, pending, complete),
        Views.error(model.error(), "wallet-error"),
        notice,
        Views.heading(messages, "app.wallet.promises"),
        promises,
        refresh);
  }

  private static Label bound(javafx.beans.property.StringProperty text, String id) {
    Label label = new Label();
    label.setId(id);
    label.textProperty().bind(text);
    label.accessibleTextProperty().bind(text);
    return label;
  }
}
