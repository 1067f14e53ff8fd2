package network.mysterium.app.view;

import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import network.mysterium.app.viewmodel.StartViewModel;
import network.mysterium.crypto.Address;
import network.mysterium.i18n.Messages;

/**
 * The first screen of a real start: the chain to follow, and the identity to unlock (or a new one,
 * with its passphrase typed twice). Enter opens it.
 */
public final class StartView {
  private StartView() {}

  public static Parent build(StartViewModel model, Messages messages) {
    Label explain = Views.label(messages, "app.start.explain", model.dataDir().toString());
    explain.setWrapText(true);
    explain.setId("start-data-dir");

    TextField rpc = new TextField();
    rpc.setId("start-rpc");
    rpc.setAccessibleText(messages.get("app.settings.rpc"));
    rpc.textProperty().bindBidirectional(model.rpc());
    TextField deployment = new TextField();
    deployment.setId("start-deployment");
    deployment.setAccessibleText(messages.get("app.settings.deployment"));
    deployment.textProperty().bindBidirectional(model.deployment());
    deployment.setPrefColumnCount(36);

    ComboBox<Address> identity = new ComboBox<>(model.identities());
    identity.setId("start-identity");
    identity.setAccessibleText(messages.get("app.wallet.identity"));
    identity.valueProperty().bindBidirectional(model.identity());
    Label identityLabel = Views.label(messages, "app.wallet.identity");
    identity.visibleProperty().bind(model.creating().not());
    identityLabel.visibleProperty().bind(model.creating().not());
    Label none = Views.label(messages, "app.start.none");
    none.setWrapText(true);
    none.visibleProperty().bind(model.creating());
    none.managedProperty().bind(model.creating());

    PasswordField passphrase = new PasswordField();
    passphrase.setId("start-passphrase");
    passphrase.setAccessibleText(messages.get("app.start.passphrase"));
    passphrase.textProperty().bindBidirectional(model.passphrase());
    PasswordField repeat = new PasswordField();
    repeat.setId("start-repeat");
    repeat.setAccessibleText(messages.get("app.start.repeat"));
    repeat.textProperty().bindBidirectional(model.repeat());
    Label repeatLabel = Views.label(messages, "app.start.repeat");
    repeat.visibleProperty().bind(model.creating());
    repeatLabel.visibleProperty().bind(model.creating());

    Button open = Views.button(messages, "start-open", "app.start.unlock");
    open.textProperty()
        .bind(
            javafx.beans.binding.Bindings.when(model.creating())
                .then(messages.get("app.start.create"))
                .otherwise(messages.get("app.start.unlock")));
    open.accessibleTextProperty().bind(open.textProperty());
    open.setDefaultButton(true);
    open.disableProperty().bind(model.busy());
    open.setOnAction(e -> model.open());
    ProgressIndicator progress = new ProgressIndicator();
    progress.setPrefSize(24, 24);
    progress.visibleProperty().bind(model.busy());
    Label status = new Label();
    status.setId("start-status");
    status.textProperty().bind(model.status());
    status.accessibleTextProperty().bind(model.status());

    GridPane grid = Views.form();
    grid.addRow(0, Views.label(messages, "app.settings.rpc"), rpc);
    grid.addRow(1, Views.label(messages, "app.settings.deployment"), deployment);
    grid.addRow(2, identityLabel, identity);
    grid.addRow(3, Views.label(messages, "app.start.passphrase"), passphrase);
    grid.addRow(4, repeatLabel, repeat);
    return Views.page(
        Views.heading(messages, "app.start.heading"),
        explain,
        grid,
        none,
        new HBox(12, open, progress, status),
        Views.error(model.error(), "start-error"));
  }
}
