package network.mysterium.app.view;

import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import network.mysterium.app.viewmodel.ConnectViewModel;
import network.mysterium.app.viewmodel.Countries;
import network.mysterium.app.viewmodel.ServicesViewModel;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.i18n.Messages;

/**
 * Proposals, cheapest first (price also per GB or per hour), with filters by type, the country the
 * service is provided from and the one its traffic appears from (provided_from and origin), maximum
 * price, minimum bandwidth, and preferred providers only.
 */
public final class ServicesView {
  private ServicesView() {}

  public static Parent build(
      ServicesViewModel model, ConnectViewModel connect, Runnable showSession, Messages messages) {
    TextField type = Views.field(messages, "services-type", "app.services.type", model.type());
    TextField country =
        Views.field(messages, "services-country", "app.services.country", model.country());
    TextField max =
        Views.field(messages, "services-max-price", "app.services.max-price", model.maxPrice());
    TextField origin =
        Views.field(messages, "services-origin", "app.services.origin", model.origin());
    TextField bandwidth =
        Views.field(
            messages, "services-min-bandwidth", "app.services.min-bandwidth", model.minBandwidth());
    CheckBox preferred = new CheckBox(messages.get("app.services.preferred-only"));
    preferred.setId("services-preferred-only");
    preferred.setAccessibleText(preferred.getText());
    preferred.selectedProperty().bindBidirectional(model.preferredOnly());
    Button apply = Views.button(messages, "services-apply", "app.services.apply");
    apply.setDefaultButton(true);
    apply.setOnAction(e -> model.refresh());

    TableView<ProposalIndex.Listing> table = new TableView<>(model.listings());
    table.setId("services");
    table.setAccessibleText(messages.get("app.nav.services"));
    table.setPlaceholder(Views.label(messages, "app.services.none"));
    table
        .getColumns()
        .add(
            Views.column(
                messages, "app.services.col.provider", l -> l.proposal().provider().toString()));
    table
        .getColumns()
        .add(Views.column(messages, "app.services.col.type", l -> l.proposal().serviceType()));
    table
        .getColumns()
        .add(
            Views.column(
                messages,
                "app.services.col.country",
                l ->
                    Countries.flag(l.proposal().providedFrom().country())
                        + " "
                        + Countries.name(l.proposal().providedFrom().country(), messages)));
    table
        .getColumns()
        .add(Views.column(messages, "app.services.col.price", l -> price(l.proposal(), messages)));
    table
        .getColumns()
        .add(
            Views.column(
                messages,
                "app.services.col.bandwidth",
                l ->
                    messages.get(
                        "app.services.bandwidth",
                        java.math.BigDecimal.valueOf(l.proposal().bandwidthKbps(), 3)
                            .stripTrailingZeros()
                            .toPlainString())));
    table
        .getColumns()
        .add(
            Views.column(
                messages,
                "app.services.col.origin",
                l -> Countries.name(l.proposal().origin().country(), messages)));
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

    table
        .getColumns()
        .add(
            0, Views.column(messages, "app.services.col.preferred", l -> l.preferred() ? "★" : ""));
    Button star = Views.button(messages, "services-prefer", "app.services.prefer");
    star.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
    star.setOnAction(e -> model.prefer(table.getSelectionModel().getSelectedItem()));
    Button connectTo = Views.button(messages, "services-connect", "app.services.connect");
    connectTo
        .disableProperty()
        .bind(
            table
                .getSelectionModel()
                .selectedItemProperty()
                .isNull()
                .or(connect.status().isNotEqualTo(ConnectViewModel.Status.DISCONNECTED)));
    connectTo.setOnAction(
        e -> {
          connect.connectTo(table.getSelectionModel().getSelectedItem());
          showSession.run();
        });
    return Views.page(
        Views.heading(messages, "app.nav.services"),
        new HBox(8, type, country, origin),
        new HBox(8, max, bandwidth, preferred, apply),
        Views.error(model.error(), "services-error"),
        table,
        new HBox(8, connectTo, star));
  }

  /** The price as announced, and in the unit people think in: per GB or per hour. */
  static String price(ServiceProposal p, Messages messages) {
    boolean perMegabyte = p.metering() == ServiceProposal.Metering.PER_MEGABYTE;
    java.math.BigDecimal unit = new java.math.BigDecimal(p.pricePerUnit().toPlainString());
    String readable =
        unit.multiply(java.math.BigDecimal.valueOf(perMegabyte ? 1000 : 3600))
            .stripTrailingZeros()
            .toPlainString();
    return messages.get(
        "app.services.price",
        p.pricePerUnit().toPlainString(),
        messages.get(perMegabyte ? "app.services.per-mb" : "app.services.per-second"),
        messages.get(perMegabyte ? "app.services.per-gb" : "app.services.per-hour", readable));
  }
}
