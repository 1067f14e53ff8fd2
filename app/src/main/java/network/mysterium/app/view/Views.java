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
}
