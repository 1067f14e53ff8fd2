package network.mysterium.app.view;

import javafx.beans.binding.Bindings;
import javafx.scene.Parent;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import network.mysterium.app.viewmodel.ConnectViewModel;
import network.mysterium.i18n.Messages;

/** The live session: bytes down and up, cost so far, duration, throughput over the last minutes. */
public final class SessionView {
  private SessionView() {}

  public static Parent build(ConnectViewModel model, Messages messages) {
    Label down = value("session-down");
    down.textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> Views.megabytes(model.bytesDown().get()), model.bytesDown()));
    Label up = value("session-up");
    up.textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> Views.megabytes(model.bytesUp().get()), model.bytesUp()));
    Label cost = value("session-cost");
    cost.textProperty()
        .bind(Bindings.createStringBinding(() -> model.cost().get().toString(), model.cost()));
    Label duration = value("session-duration");
    duration
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> model.durationSeconds().get() + " s", model.durationSeconds()));
    Label proxy = value("session-proxy");
    proxy.textProperty().bind(model.proxyAddress());

    GridPane grid = new GridPane(16, 8);
    grid.addRow(0, Views.label(messages, "app.session.down"), down);
    grid.addRow(1, Views.label(messages, "app.session.up"), up);
    grid.addRow(2, Views.label(messages, "app.session.cost"), cost);
    grid.addRow(3, Views.label(messages, "app.session.duration"), duration);
    grid.addRow(4, Views.label(messages, "app.session.proxy"), proxy);
    Label promised = value("session-promised");
    promised.textProperty().bind(model.promised());
    Label leftover = value("session-leftover");
    leftover.textProperty().bind(model.leftover());
    grid.addRow(5, Views.label(messages, "app.session.promised"), promised);
    grid.addRow(6, Views.label(messages, "app.session.leftover"), leftover);

    javafx.scene.control.TableView<ConnectViewModel.HistoryRow> history =
        new javafx.scene.control.TableView<>(model.history());
    history.setId("session-history");
    history.setAccessibleText(messages.get("app.session.history"));
    history.setPlaceholder(Views.label(messages, "app.session.no-history"));
    history.setPrefHeight(140);
    history
        .getColumns()
        .add(column(messages, "app.session.col.country", ConnectViewModel.HistoryRow::country));
    history
        .getColumns()
        .add(column(messages, "app.session.col.provider", ConnectViewModel.HistoryRow::provider));
    history.getColumns().add(column(messages, "app.session.col.duration", r -> r.seconds() + " s"));
    history
        .getColumns()
        .add(column(messages, "app.session.col.bytes", r -> Views.megabytes(r.bytes())));
    history.getColumns().add(column(messages, "app.session.col.cost", r -> r.cost().toString()));
    history.setColumnResizePolicy(
        javafx.scene.control.TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

    NumberAxis time = new NumberAxis();
    time.setLabel(messages.get("app.session.chart.time"));
    NumberAxis megabytes = new NumberAxis();
    megabytes.setLabel(messages.get("app.session.chart.megabytes"));
    LineChart<Number, Number> chart = new LineChart<>(time, megabytes);
    chart.setId("session-chart");
    chart.setAnimated(false);
    chart.setCreateSymbols(false);
    chart.setLegendVisible(false);
    chart.setAccessibleText(messages.get("app.session.chart"));
    chart.getData().add(model.throughput());

    return Views.page(
        Views.heading(messages, "app.nav.session"),
        grid,
        chart,
        Views.heading(messages, "app.session.history"),
        history);
  }

  private static javafx.scene.control.TableColumn<ConnectViewModel.HistoryRow, String> column(
      Messages messages,
      String key,
      java.util.function.Function<ConnectViewModel.HistoryRow, String> value) {
    javafx.scene.control.TableColumn<ConnectViewModel.HistoryRow, String> column =
        new javafx.scene.control.TableColumn<>(messages.get(key));
    column.setCellValueFactory(
        c -> new javafx.beans.property.ReadOnlyStringWrapper(value.apply(c.getValue())));
    return column;
  }

  private static Label value(String id) {
    Label label = new Label();
    label.setId(id);
    label.accessibleTextProperty().bind(label.textProperty());
    return label;
  }
}
