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

    return Views.page(Views.heading(messages, "app.nav.session"), grid, chart);
  }

  private static Label value(String id) {
    Label label = new Label();
    label.setId(id);
    label.accessibleTextProperty().bind(label.textProperty());
    return label;
  }
}
