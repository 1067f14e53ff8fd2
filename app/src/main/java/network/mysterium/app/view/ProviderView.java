package network.mysterium.app.view;

import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import network.mysterium.app.viewmodel.ProviderViewModel;
import network.mysterium.i18n.Messages;
import network.mysterium.money.Myst;
import network.mysterium.provider.IssuerExposure;
import network.mysterium.session.ProviderSessions;
import org.controlsfx.control.ToggleSwitch;

/**
 * "Share my bandwidth": the offer (type, price, location, clearing), one switch, what sharing
 * earned, the most a consumer may owe, the datagrams refused, the sessions open now with their
 * metering, and each consumer's promises held here and by other providers. The offer is fixed while
 * sharing.
 */
public final class ProviderView {
  private ProviderView() {}

  public static Parent build(ProviderViewModel model, Messages messages) {
    ToggleSwitch share = new ToggleSwitch(messages.get("app.provider.share"));
    share.setId("share-switch");
    share.setAccessibleText(messages.get("app.provider.share"));
    share.selectedProperty().bindBidirectional(model.sharing());
    Label status = new Label();
    status.setId("provider-status");
    status.textProperty().bind(model.status());
    status.accessibleTextProperty().bind(model.status());
    status.setWrapText(true);

    ComboBox<String> type = Views.serviceTypes(messages, "provider-type", "app.provider.type");
    type.valueProperty().bindBidirectional(model.serviceType());
    TextField price = Views.field(messages, "provider-price", "app.provider.price", model.price());
    TextField country =
        Views.field(messages, "provider-country", "app.provider.country", model.country());
    Button detect = Views.button(messages, "provider-detect", "app.provider.detect");
    detect.setOnAction(e -> model.detect());
    Label detected = new Label();
    detected.setId("provider-detected");
    detected.textProperty().bind(model.detected());
    detected.accessibleTextProperty().bind(model.detected());
    TextField clearAt =
        Views.field(messages, "provider-clear-at", "app.provider.clear-at", model.clearAt());
    TextField clearAfter =
        Views.field(
            messages, "provider-clear-after", "app.provider.clear-after", model.clearAfterHours());
    for (javafx.scene.Node n :
        new javafx.scene.Node[] {type, price, country, detect, clearAt, clearAfter}) {
      if (n instanceof TextField field) {
        field.setPrefColumnCount(6);
      }
      n.disableProperty().bind(model.sharing());
    }
    GridPane offer = Views.form();
    offer.addRow(0, Views.label(messages, "app.provider.type"), type);
    offer.addRow(1, Views.label(messages, "app.provider.price"), price);
    offer.addRow(
        2, Views.label(messages, "app.provider.country"), new HBox(8, country, detect, detected));
    offer.addRow(
        3,
        Views.label(messages, "app.provider.clearing"),
        new HBox(
            8,
            clearAt,
            Views.inline(messages, "app.provider.clear-or"),
            clearAfter,
            Views.inline(messages, "app.provider.clear-hours")));

    Label earnings = new Label();
    earnings.setId("provider-earnings");
    earnings.textProperty().bind(model.earnings());
    earnings.accessibleTextProperty().bind(model.earnings());
    Label exposure = new Label();
    exposure.setId("provider-exposure");
    exposure.setWrapText(true);
    exposure.textProperty().bind(model.exposure());
    exposure.accessibleTextProperty().bind(model.exposure());
    exposure.visibleProperty().bind(model.exposure().isNotEmpty());
    exposure.managedProperty().bind(exposure.visibleProperty());
    Label reachability = new Label();
    reachability.setId("provider-reachability");
    reachability.setWrapText(true);
    reachability.textProperty().bind(model.reachability());
    reachability.accessibleTextProperty().bind(model.reachability());
    reachability.visibleProperty().bind(model.reachability().isNotEmpty());
    reachability.managedProperty().bind(reachability.visibleProperty());
    Label refused = new Label();
    refused.setId("provider-refused");
    refused.setWrapText(true);
    refused.textProperty().bind(model.refused());
    refused.accessibleTextProperty().bind(model.refused());
    refused.visibleProperty().bind(model.refused().isNotEmpty());
    refused.managedProperty().bind(refused.visibleProperty());
    Button refresh = Views.button(messages, "provider-refresh", "app.refresh");
    refresh.setOnAction(e -> model.refreshEarnings());
    Label explain = Views.label(messages, "app.provider.explain");
    explain.setWrapText(true);

    TableView<ProviderSessions.ActiveSession> sessions = new TableView<>(model.sessions());
    sessions.setId("provider-sessions");
    sessions.setAccessibleText(messages.get("app.provider.sessions"));
    sessions.setPlaceholder(Views.label(messages, "app.provider.no-sessions"));
    sessions
        .getColumns()
        .add(Views.column(messages, "app.provider.col.consumer", s -> s.consumer().toString()));
    sessions
        .getColumns()
        .add(
            Views.column(
                messages, "app.provider.col.down", s -> Views.megabytes(s.bytesToConsumer())));
    sessions
        .getColumns()
        .add(
            Views.column(
                messages, "app.provider.col.up", s -> Views.megabytes(s.bytesFromConsumer())));
    sessions
        .getColumns()
        .add(
            Views.column(
                messages, "app.provider.col.billed", s -> Myst.ofBaseUnits(s.billed()).toString()));
    sessions
        .getColumns()
        .add(
            Views.column(
                messages,
                "app.provider.col.duration",
                s -> Long.toString(s.elapsed().toSeconds()) + " s"));
    sessions.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    sessions.setPrefHeight(140);

    TableView<IssuerExposure> exposures = new TableView<>(model.exposures());
    exposures.setId("provider-exposures");
    exposures.setAccessibleText(messages.get("app.provider.exposures"));
    exposures.setPlaceholder(Views.label(messages, "app.provider.no-exposures"));
    exposures
        .getColumns()
        .add(Views.column(messages, "app.provider.col.consumer", e -> e.consumer().toString()));
    exposures
        .getColumns()
        .add(Views.column(messages, "app.provider.col.held-here", e -> e.heldHere().toString()));
    exposures
        .getColumns()
        .add(
            Views.column(
                messages, "app.provider.col.held-elsewhere", e -> e.heldByOthers().toString()));
    exposures
        .getColumns()
        .add(Views.column(messages, "app.provider.col.spendable", e -> e.spendable().toString()));
    exposures
        .getColumns()
        .add(Views.column(messages, "app.provider.col.left", e -> e.left().toString()));
    exposures.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    exposures.setPrefHeight(120);

    return Views.page(
        Views.heading(messages, "app.nav.provider"),
        explain,
        offer,
        share,
        status,
        Views.error(model.error(), "provider-error"),
        earnings,
        exposure,
        reachability,
        refused,
        Views.heading(messages, "app.provider.sessions"),
        sessions,
        Views.heading(messages, "app.provider.exposures"),
        exposures,
        refresh);
  }
}
