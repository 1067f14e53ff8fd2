package network.mysterium.app;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.NodeOrientation;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import network.mysterium.app.localapi.LocalApi;
import network.mysterium.app.settings.AppSettings;
import network.mysterium.app.settings.SettingsStore;
import network.mysterium.app.settings.StartAtLogin;
import network.mysterium.app.view.ConnectView;
import network.mysterium.app.view.ProviderView;
import network.mysterium.app.view.ServicesView;
import network.mysterium.app.view.SessionView;
import network.mysterium.app.view.SettingsView;
import network.mysterium.app.view.WalletView;
import network.mysterium.app.viewmodel.Background;
import network.mysterium.app.viewmodel.Confirmation;
import network.mysterium.app.viewmodel.ConnectViewModel;
import network.mysterium.app.viewmodel.ProviderViewModel;
import network.mysterium.app.viewmodel.ServicesViewModel;
import network.mysterium.app.viewmodel.WalletViewModel;
import network.mysterium.i18n.Messages;
import network.mysterium.node.ConnectionOptions;
import network.mysterium.node.Node;
import network.mysterium.provider.ProviderNode;

/**
 * The app's window content: a navigation column and the chosen view. Switching the language
 * rebuilds the views in it (right to left for Persian); switching the theme swaps the stylesheet.
 */
public final class MainWindow {
  /** The views, in the navigation's order. */
  public static final String[] VIEWS = {
    "connect", "services", "session", "wallet", "provider", "settings"
  };

  private final Node node;
  private final Background background;
  private final Sharing sharing;
  private final network.mysterium.app.viewmodel.Confirmation confirmation;
  private final SettingsStore settings;
  private final StartAtLogin startAtLogin;
  private final LocalApi localApi;
  private final Scene scene;
  private Locale locale;
  private boolean dark;
  private Messages messages;
  private ConnectViewModel connect;
  private WalletViewModel wallet;
  private ServicesViewModel services;
  private ProviderViewModel provider;
  private final Map<String, Parent> views = new LinkedHashMap<>();

  /**
   * How "share my bandwidth" runs an offer (with the exposure cap per consumer read from the
   * chain), and finds where this node is.
   */
  public record Sharing(
      java.util.function.BiFunction<
              ProviderViewModel.Offer, network.mysterium.money.Myst, ProviderNode.Config>
          config,
      ProviderViewModel.Locator locator) {}

  public MainWindow(
      Node node,
      Background background,
      Sharing sharing,
      Confirmation confirmation,
      SettingsStore settings,
      StartAtLogin startAtLogin) {
    this.node = node;
    this.background = background;
    this.sharing = sharing;
    this.confirmation = confirmation;
    this.settings = settings;
    this.startAtLogin = startAtLogin;
    this.localApi = new LocalApi(node);
    if (settings.get().serveApi()) {
      try {
        localApi.set(true);
      } catch (Exception e) {
        // the switch in Settings shows it off; turning it on again says why
        System.getLogger(MainWindow.class.getName())
            .log(System.Logger.Level.WARNING, "the local API did not start: " + e.getMessage());
      }
    }
    this.locale = settings.get().language();
    this.dark = settings.get().dark();
    this.scene = new Scene(new BorderPane(), 980, 680);
    rebuild("connect");
    applyTheme();
  }

  /** The local API the Settings switch serves; closed before the node. */
  public LocalApi localApi() {
    return localApi;
  }

  public Scene scene() {
    return scene;
  }

  public Messages messages() {
    return messages;
  }

  public ConnectViewModel connectModel() {
    return connect;
  }

  public WalletViewModel walletModel() {
    return wallet;
  }

  /** Shows one of {@link #VIEWS}. */
  public void show(String view) {
    ((BorderPane) scene.getRoot()).setCenter(views.get(view));
    scene
        .getRoot()
        .lookupAll(".nav")
        .forEach(n -> ((ToggleButton) n).setSelected(n.getId().equals("nav-" + view)));
  }

  private void rebuild(String shown) {
    messages = Messages.forLocale(locale);
    if (connect != null) {
      connect.close(); // its status subscription
    }
    connect =
        new ConnectViewModel(
            node,
            background,
            messages,
            () ->
                ConnectionOptions.socks5()
                    .withServiceType(settings.get().serviceType())
                    .withKillSwitch(settings.get().killSwitch())
                    .withSpendLimit(settings.get().spendLimit())
                    .withFailOver(settings.get().failOver()));
    wallet = new WalletViewModel(node, background, messages);
    services = new ServicesViewModel(node, background, messages);
    provider =
        new ProviderViewModel(node, background, messages, sharing.config(), sharing.locator());
    provider.showRunning();
    views.clear();
    views.put("connect", ConnectView.build(connect, messages));
    views.put("services", ServicesView.build(services, connect, () -> show("session"), messages));
    views.put("session", SessionView.build(connect, messages));
    views.put("wallet", WalletView.build(wallet, messages, confirmation));
    views.put("provider", ProviderView.build(provider, messages));
    views.put(
        "settings",
        SettingsView.build(
            messages,
            settings,
            startAtLogin,
            new SettingsView.Actions(
                language -> {
                  locale = language;
                  remember(s -> s.withLanguage(language));
                  rebuild("settings");
                },
                this::setDark,
                connect.status().isNotEqualTo(ConnectViewModel.Status.DISCONNECTED),
                network.mysterium.service.tunnel.HostNetwork.mayManageNetwork(),
                localApi)));
    ToggleGroup group = new ToggleGroup();
    VBox nav = new VBox(4);
    nav.getStyleClass().add("nav-bar");
    for (String view : VIEWS) {
      ToggleButton button = new ToggleButton(messages.get("app.nav." + view));
      button.setId("nav-" + view);
      button.getStyleClass().add("nav");
      button.setAccessibleText(button.getText());
      button.setToggleGroup(group);
      button.setMaxWidth(Double.MAX_VALUE);
      button.setOnAction(e -> show(view));
      nav.getChildren().add(button);
    }
    BorderPane root = new BorderPane();
    root.setLeft(nav);
    root.setNodeOrientation(
        locale.getLanguage().equals("fa")
            ? NodeOrientation.RIGHT_TO_LEFT
            : NodeOrientation.LEFT_TO_RIGHT);
    scene.setRoot(root);
    show(shown);
    connect.refresh();
    connect.loadHistory();
    wallet.refresh();
    services.refresh();
  }

  private void applyTheme() {
    style(scene, dark);
  }

  /** The app's stylesheets on a scene, light or dark. */
  public static void style(Scene scene, boolean dark) {
    scene
        .getStylesheets()
        .setAll(
            MainWindow.class.getResource("app.css").toExternalForm(),
            MainWindow.class.getResource(dark ? "dark.css" : "light.css").toExternalForm());
  }

  /** Whether the dark theme is on. */
  public boolean dark() {
    return dark;
  }

  /** Switches the theme (also what the settings' check box does). */
  public void setDark(boolean dark) {
    this.dark = dark;
    remember(s -> s.withDark(dark));
    applyTheme();
  }

  /** Saves a settings change; a failure to save changes nothing on screen (it is the same run). */
  private void remember(java.util.function.UnaryOperator<AppSettings> change) {
    try {
      settings.update(change);
    } catch (java.io.IOException e) {
      System.getLogger(MainWindow.class.getName())
          .log(System.Logger.Level.WARNING, "settings not saved: " + e.getMessage());
    }
  }
}
