package network.mysterium.app.view;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.scene.Parent;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.util.StringConverter;
import network.mysterium.i18n.Messages;

/** Language (six, Persian right to left) and theme (light, dark); the chain the app follows. */
public final class SettingsView {
  /** The languages the app is translated into. */
  public static final List<Locale> LANGUAGES =
      List.of(
          Locale.ENGLISH,
          Locale.GERMAN,
          Locale.of("es"),
          Locale.of("ru"),
          Locale.SIMPLIFIED_CHINESE,
          Locale.of("fa"));

  private SettingsView() {}

  public static Parent build(
      Messages messages,
      Locale current,
      boolean dark,
      String chain,
      Consumer<Locale> changeLanguage,
      Consumer<Boolean> changeTheme) {
    ComboBox<Locale> language = new ComboBox<>();
    language.setId("language");
    language.setAccessibleText(messages.get("app.settings.language"));
    language.getItems().setAll(LANGUAGES);
    language.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(Locale locale) {
            return locale == null ? "" : locale.getDisplayName(locale); // each in its own words
          }

          @Override
          public Locale fromString(String text) {
            return null;
          }
        });
    language
        .getSelectionModel()
        .select(
            LANGUAGES.stream()
                .filter(l -> l.getLanguage().equals(current.getLanguage()))
                .findFirst()
                .orElse(Locale.ENGLISH));
    language.valueProperty().addListener((o, was, now) -> changeLanguage.accept(now));

    CheckBox darkTheme = new CheckBox(messages.get("app.settings.dark"));
    darkTheme.setId("dark-theme");
    darkTheme.setAccessibleText(messages.get("app.settings.dark"));
    darkTheme.setSelected(dark);
    darkTheme.selectedProperty().addListener((o, was, now) -> changeTheme.accept(now));

    Label chainLabel = new Label(chain);
    chainLabel.setId("settings-chain");
    GridPane grid = new GridPane(16, 8);
    grid.addRow(0, Views.label(messages, "app.settings.language"), language);
    grid.addRow(1, Views.label(messages, "app.settings.theme"), darkTheme);
    grid.addRow(2, Views.label(messages, "app.settings.chain"), chainLabel);
    return Views.page(Views.heading(messages, "app.nav.settings"), grid);
  }
}
