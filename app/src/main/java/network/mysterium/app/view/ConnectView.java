package network.mysterium.app.view;

import javafx.beans.binding.Bindings;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import network.mysterium.app.viewmodel.ConnectViewModel;
import network.mysterium.app.viewmodel.Countries;
import network.mysterium.i18n.Messages;
import network.mysterium.node.Node;

/** Home: countries (flag, name, providers, lowest price), a search box, connect/disconnect. */
public final class ConnectView {
  private ConnectView() {}

  public static Parent build(ConnectViewModel model, Messages messages) {
    TextField search = new TextField();
    search.setId("country-search");
    search.setPromptText(messages.get("app.connect.search"));
    search.setAccessibleText(messages.get("app.connect.search"));
    search.textProperty().bindBidirectional(model.search());

    ListView<Node.CountryRow> list = new ListView<>(model.countries());
    list.setId("countries");
    list.setAccessibleText(messages.get("app.connect.countries"));
    list.setCellFactory(
        v ->
            new ListCell<>() {
              @Override
              protected void updateItem(Node.CountryRow row, boolean empty) {
                super.updateItem(row, empty);
                setText(
                    empty || row == null
                        ? null
                        : messages.get(
                            "app.connect.country-row",
                            Countries.flag(row.country()),
                            Countries.name(row.country(), messages),
                            row.providers(),
                            row.lowestPricePerMegabyte().toPlainString()));
              }
            });
    list.getSelectionModel()
        .selectedItemProperty()
        .addListener((o, was, row) -> model.selected().set(row));
    VBox.setVgrow(list, Priority.ALWAYS);

    Button connect = Views.button(messages, "connect-button", "app.connect.connect");
    connect.getStyleClass().add("big");
    connect
        .textProperty()
        .bind(
            Bindings.when(model.status().isEqualTo(ConnectViewModel.Status.DISCONNECTED))
                .then(messages.get("app.connect.connect"))
                .otherwise(messages.get("app.connect.disconnect")));
    connect.accessibleTextProperty().bind(connect.textProperty());
    connect
        .disableProperty()
        .bind(
            model
                .status()
                .isEqualTo(ConnectViewModel.Status.CONNECTING)
                .or(model.status().isEqualTo(ConnectViewModel.Status.DISCONNECTING)));
    connect.setOnAction(
        e -> {
          if (model.status().get() == ConnectViewModel.Status.DISCONNECTED) {
            model.connect();
          } else {
            model.disconnect();
          }
        });

    Label status = new Label();
    status.setId("connect-status");
    status.textProperty().bind(model.statusText());
    status.accessibleTextProperty().bind(model.statusText());
    status.setWrapText(true);

    Button refresh = Views.button(messages, "refresh-countries", "app.refresh");
    refresh.setOnAction(e -> model.refresh());

    return Views.page(
        Views.heading(messages, "app.nav.connect"),
        search,
        list,
        refresh,
        connect,
        status,
        Views.error(model.error(), "connect-error"));
  }
}
