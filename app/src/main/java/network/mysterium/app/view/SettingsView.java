package network.mysterium.app.view;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.Parent;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.util.StringConverter;
import network.mysterium.app.localapi.LocalApi;
import network.mysterium.app.settings.AppSettings;
import network.mysterium.app.settings.SettingsStore;
import network.mysterium.app.settings.StartAtLogin;
import network.mysterium.i18n.Messages;

/**
 * Language (six, Persian right to left), theme (light, dark), how to connect (SOCKS5 or the IP
 * tunnel with its kill switch) and where DNS goes, start at login, the spending limits (saved when
 * applied, if both are amounts); the chain and data directory. Every other change is saved at once.
 */
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

  /** What the settings view changes besides itself: the language and theme of the window. */
  public record Actions(
      Consumer<Locale> changeLanguage,
      Consumer<Boolean> changeTheme,
      javafx.beans.value.ObservableBooleanValue connected,
      boolean tunnelAllowed,
      LocalApi localApi) {}

  public static Parent build(
      Messages messages, SettingsStore store, StartAtLogin startAtLogin, Actions actions) {
    AppSettings current = store.get();
    StringProperty error = new SimpleStringProperty("");
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
                .filter(l -> l.getLanguage().equals(current.language().getLanguage()))
                .findFirst()
                .orElse(Locale.ENGLISH));
    language.valueProperty().addListener((o, was, now) -> actions.changeLanguage().accept(now));
    // a new language rebuilds the views: not while a session is open (its state lives in them)
    language.disableProperty().bind(actions.connected());
    Label languageHint = Views.label(messages, "app.settings.language.connected");
    languageHint.visibleProperty().bind(actions.connected());
    languageHint.managedProperty().bind(actions.connected());

    CheckBox darkTheme = new CheckBox(messages.get("app.settings.dark"));
    darkTheme.setId("dark-theme");
    darkTheme.setAccessibleText(messages.get("app.settings.dark"));
    darkTheme.setSelected(current.dark());
    darkTheme.selectedProperty().addListener((o, was, now) -> actions.changeTheme().accept(now));

    ComboBox<String> type = Views.serviceTypes(messages, "settings-type", "app.settings.type");
    type.setValue(current.serviceType());
    CheckBox killSwitch = new CheckBox(messages.get("app.settings.kill-switch"));
    killSwitch.setId("settings-kill-switch");
    killSwitch.setAccessibleText(killSwitch.getText());
    killSwitch.setSelected(current.killSwitch());
    killSwitch.disableProperty().bind(type.valueProperty().isNotEqualTo("wireguard"));
    // on by default (issue 20 item 5): a lost or left provider is followed by the next one
    CheckBox failOver = new CheckBox(messages.get("app.settings.fail-over"));
    failOver.setId("settings-fail-over");
    failOver.setAccessibleText(failOver.getText());
    failOver.setSelected(current.failOver());
    failOver
        .selectedProperty()
        .addListener((o, was, now) -> save(store, s -> s.withFailOver(now), error, messages));
    Label dns = new Label();
    dns.setId("settings-dns");
    dns.setWrapText(true);
    dns.textProperty()
        .bind(
            javafx.beans.binding.Bindings.createStringBinding(
                () -> messages.get("app.settings.dns." + type.getValue()), type.valueProperty()));
    dns.accessibleTextProperty().bind(dns.textProperty());
    // said before connecting, not as a failed connection: this process may not open the tunnel
    Label tunnelRights = Views.label(messages, "app.settings.tunnel-needs-rights");
    tunnelRights.setId("settings-tunnel-rights");
    tunnelRights.setWrapText(true);
    tunnelRights.getStyleClass().add("error");
    tunnelRights
        .visibleProperty()
        .bind(
            type.valueProperty()
                .isEqualTo("wireguard")
                .and(new javafx.beans.property.SimpleBooleanProperty(!actions.tunnelAllowed())));
    tunnelRights.managedProperty().bind(tunnelRights.visibleProperty());
    Runnable saveConnection =
        () ->
            save(
                store,
                s -> s.withConnection(type.getValue(), killSwitch.isSelected()),
                error,
                messages);
    type.valueProperty().addListener((o, was, now) -> saveConnection.run());
    killSwitch.selectedProperty().addListener((o, was, now) -> saveConnection.run());

    CheckBox login = new CheckBox(messages.get("app.settings.start-at-login"));
    login.setId("settings-start-at-login");
    login.setAccessibleText(login.getText());
    login.setSelected(startAtLogin.enabled());
    login
        .selectedProperty()
        .addListener(
            (o, was, now) -> {
              try {
                startAtLogin.set(now);
                save(store, s -> s.withStartAtLogin(now), error, messages);
              } catch (java.io.IOException e) {
                error.set(messages.get("app.settings.error.save", e.getMessage()));
              }
            });

    // other programs drive this node through the API (as they would a daemon); off by default
    CheckBox serveApi = new CheckBox(messages.get("app.settings.serve-api"));
    serveApi.setId("settings-serve-api");
    serveApi.setAccessibleText(serveApi.getText());
    serveApi.setSelected(actions.localApi().on());
    Label apiHint =
        Views.label(messages, "app.settings.api.hint", actions.localApi().socket().toString());
    apiHint.setId("settings-api-hint");
    apiHint.setWrapText(true);
    apiHint.visibleProperty().bind(serveApi.selectedProperty());
    apiHint.managedProperty().bind(apiHint.visibleProperty());
    serveApi
        .selectedProperty()
        .addListener(
            (o, was, now) -> {
              try {
                actions.localApi().set(now);
                save(store, s -> s.withServeApi(now), error, messages);
              } catch (Exception e) {
                error.set(messages.get("app.settings.error.api", e.getMessage()));
              }
            });

    // what a provider can take at most (issue 16 item 4): the user's limits, from the next connect
    network.mysterium.session.SpendLimit limits = current.spendLimit();
    network.mysterium.session.SpendLimit defaults = network.mysterium.session.SpendLimit.defaults();
    javafx.scene.control.TextField perSession =
        Views.field(
            messages,
            "settings-max-spend",
            "app.settings.spend-limit.session",
            new SimpleStringProperty(limits.perSession().toPlainString()));
    javafx.scene.control.TextField perProvider =
        Views.field(
            messages,
            "settings-max-spend-per-provider",
            "app.settings.spend-limit.provider",
            new SimpleStringProperty(limits.perProvider().toPlainString()));
    perSession.setPrefColumnCount(5);
    perProvider.setPrefColumnCount(5);
    javafx.scene.control.Button applyLimits =
        Views.button(messages, "settings-spend-apply", "app.settings.spend-limit.apply");
    Label spendLimit =
        Views.label(
            messages,
            "app.settings.spend-limit.hint",
            defaults.perSession().toPlainString(),
            defaults.perProvider().toPlainString());
    spendLimit.setId("settings-spend-limit");
    spendLimit.setWrapText(true);
    Runnable saveLimits =
        () -> {
          network.mysterium.session.SpendLimit chosen;
          try {
            chosen =
                new network.mysterium.session.SpendLimit(amount(perSession), amount(perProvider));
          } catch (BadAmount e) {
            error.set(messages.get("app.settings.error.spend-limit", e.getMessage()));
            return;
          }
          save(store, s -> s.withSpendLimit(chosen), error, messages);
        };
    applyLimits.setOnAction(e -> saveLimits.run());
    perSession.setOnAction(e -> saveLimits.run());
    perProvider.setOnAction(e -> saveLimits.run());
    javafx.scene.layout.HBox limitFields =
        new javafx.scene.layout.HBox(
            8,
            perSession,
            Views.inline(messages, "app.settings.spend-limit.session"),
            perProvider,
            Views.inline(messages, "app.settings.spend-limit.provider"),
            applyLimits);

    Label chainLabel = new Label(current.rpc().toString());
    chainLabel.setId("settings-chain");
    Label deployment = new Label(current.deploymentFile(store.dataDir()).toString());
    deployment.setId("settings-deployment");
    Label dataDir = new Label(store.dataDir().toString());
    dataDir.setId("settings-data-dir");
    Label dataDirHint = Views.label(messages, "app.settings.data-dir.hint");
    dataDirHint.setWrapText(true);
    GridPane grid = Views.form();
    grid.addRow(
        0,
        Views.label(messages, "app.settings.language"),
        new javafx.scene.layout.HBox(8, language, languageHint));
    grid.addRow(1, Views.label(messages, "app.settings.theme"), darkTheme);
    grid.addRow(2, Views.label(messages, "app.settings.type"), type);
    grid.addRow(
        3, new Label(), new javafx.scene.layout.VBox(4, killSwitch, failOver, tunnelRights));
    grid.addRow(4, Views.label(messages, "app.settings.dns"), dns);
    grid.addRow(5, Views.label(messages, "app.settings.login"), login);
    grid.addRow(
        6,
        Views.label(messages, "app.settings.spend-limit"),
        new javafx.scene.layout.VBox(4, limitFields, spendLimit));
    grid.addRow(
        7,
        Views.label(messages, "app.settings.api"),
        new javafx.scene.layout.VBox(4, serveApi, apiHint));
    grid.addRow(8, Views.label(messages, "app.settings.chain"), chainLabel);
    grid.addRow(9, Views.label(messages, "app.settings.deployment"), deployment);
    grid.addRow(10, Views.label(messages, "app.settings.data-dir"), dataDir);
    return Views.page(
        Views.heading(messages, "app.nav.settings"),
        grid,
        dataDirHint,
        Views.error(error, "settings-error"));
  }

  /** A typed amount that is not a usable limit: the text as typed. */
  private static final class BadAmount extends Exception {
    BadAmount(String typed) {
      super(typed);
    }
  }

  /** A limit as typed: MYST, more than nothing. */
  private static network.mysterium.money.Myst amount(javafx.scene.control.TextField field)
      throws BadAmount {
    String typed = field.getText() == null ? "" : field.getText().strip();
    try {
      network.mysterium.money.Myst amount = network.mysterium.money.Myst.parse(typed);
      if (amount.baseUnits().signum() > 0) {
        return amount;
      }
    } catch (IllegalArgumentException e) {
      // said below, with what was typed
    }
    throw new BadAmount(typed);
  }

  private static void save(
      SettingsStore store,
      java.util.function.UnaryOperator<AppSettings> change,
      StringProperty error,
      Messages messages) {
    try {
      store.update(change);
      error.set("");
    } catch (java.io.IOException e) {
      error.set(messages.get("app.settings.error.save", e.getMessage()));
    }
  }
}
