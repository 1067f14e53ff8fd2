package network.mysterium.app.view;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import network.mysterium.i18n.Messages;

/** Small builders the views share: every control gets its text and accessible name from i18n. */
final class Views {
  private Views() {}

  static Label label(Messages messages, String key, Object... args) {
    Label label = new Label(messages.get(key, args));
    label.setAccessibleText(label.getText());
    return label;
  }

  static Label heading(Messages messages, String key) {
    Label label = label(messages, key);
    label.getStyleClass().add("heading");
    return label;
  }

  static Button button(Messages messages, String id, String key) {
    Button button = new Button(messages.get(key));
    button.setId(id);
    button.setAccessibleText(button.getText());
    return button;
  }

  /** A label bound to an error text, styled as one and hidden while empty. */
  static Label error(javafx.beans.value.ObservableValue<String> text, String id) {
    Label label = new Label();
    label.setId(id);
    label.getStyleClass().add("error");
    label.textProperty().bind(text);
    label.visibleProperty().bind(label.textProperty().isNotEmpty());
    label.managedProperty().bind(label.visibleProperty());
    label.setWrapText(true);
    return label;
  }

  static VBox page(javafx.scene.Node... children) {
    VBox box = new VBox(12, children);
    box.getStyleClass().add("page");
    return box;
  }

  /** Bytes in readable units (MB with two decimals). */
  static String megabytes(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.2f MB", bytes / 1e6);
  }

  /** A text field bound both ways to a property, its prompt and accessible name from i18n. */
  static javafx.scene.control.TextField field(
      Messages messages, String id, String key, javafx.beans.property.StringProperty value) {
    javafx.scene.control.TextField field = new javafx.scene.control.TextField();
    field.setId(id);
    field.setPromptText(messages.get(key));
    field.setAccessibleText(messages.get(key));
    field.textProperty().bindBidirectional(value);
    return field;
  }

  /** A table column of text computed from each row. */
  static <T> javafx.scene.control.TableColumn<T, String> column(
      Messages messages, String key, java.util.function.Function<T, String> value) {
    javafx.scene.control.TableColumn<T, String> column =
        new javafx.scene.control.TableColumn<>(messages.get(key));
    column.setCellValueFactory(
        c -> new javafx.beans.property.ReadOnlyStringWrapper(value.apply(c.getValue())));
    return column;
  }

  /** A label/field grid whose labels are never cut: the first column keeps its full width. */
  static javafx.scene.layout.GridPane form() {
    javafx.scene.layout.GridPane grid = new javafx.scene.layout.GridPane(16, 8);
    javafx.scene.layout.ColumnConstraints labels = new javafx.scene.layout.ColumnConstraints();
    labels.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    grid.getColumnConstraints().add(labels);
    return grid;
  }

  /** A short label inside a row that must not be cut. */
  static Label inline(Messages messages, String key) {
    Label label = label(messages, key);
    label.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    return label;
  }

  /** A choice of service type (SOCKS5 or the IP tunnel), each shown in words. */
  static javafx.scene.control.ComboBox<String> serviceTypes(
      Messages messages, String id, String key) {
    javafx.scene.control.ComboBox<String> type = new javafx.scene.control.ComboBox<>();
    type.setId(id);
    type.setAccessibleText(messages.get(key));
    type.getItems().setAll("socks5", "wireguard");
    type.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(String t) {
            return t == null ? "" : messages.get("app.settings.type." + t);
          }

          @Override
          public String fromString(String text) {
            return null;
          }
        });
    return type;
  }
}
