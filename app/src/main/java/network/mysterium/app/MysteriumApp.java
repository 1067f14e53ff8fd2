package network.mysterium.app;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import network.mysterium.app.settings.SettingsStore;
import network.mysterium.app.settings.StartAtLogin;
import network.mysterium.app.view.StartView;
import network.mysterium.app.view.WalletView;
import network.mysterium.app.viewmodel.Background;
import network.mysterium.app.viewmodel.ProviderViewModel;
import network.mysterium.app.viewmodel.StartViewModel;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.demo.Demo;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.i18n.Messages;
import network.mysterium.identity.KdfParams;
import network.mysterium.identity.Keystore;
import network.mysterium.location.HttpPublicAddressSource;
import network.mysterium.location.IpLocationDatabase;
import network.mysterium.location.LocationDetector;
import network.mysterium.location.PublicAddressSource;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.node.NodeConfig;
import network.mysterium.session.SessionEvents;

/**
 * The desktop app.
 *
 * <ul>
 *   <li>By default it opens the user's data directory ({@code --data-dir}, else the system's
 *       place): the start screen unlocks an identity from its keystore (or creates the first one)
 *       and connects the chain ({@code --rpc}, {@code --deployment}, or what Settings saved). The
 *       data directory that {@code mysterium demo --keep-running} prints opens this way too, with
 *       the passphrase "demo".
 *   <li>{@code --demo} starts the local network in-process (anvil, the contracts, three providers,
 *       a funded identity, as {@code mysterium demo} does) and opens on it; all of it stops with
 *       the window.
 *   <li>{@code --first-frame FILE} saves the first frame as PNG and quits (the installer's check).
 * </ul>
 */
public final class MysteriumApp extends Application {
  private static final double WIDTH = 980;
  private static final double HEIGHT = 680;
  private LocalNetwork localNetwork;
  private Node node;
  private volatile MainWindow shown;
  private Background background;

  @Override
  public void start(Stage stage) {
    List<String> args = getParameters().getRaw();
    stage
        .getIcons()
        .add(
            new javafx.scene.image.Image(
                MysteriumApp.class.getResource("icon.png").toExternalForm()));
    background = new Background(Platform::runLater);
    try {
      if (args.contains("--demo")) {
        startDemo(stage, args);
      } else {
        startUser(stage, args);
      }
    } catch (Exception e) {
      Messages messages = Messages.forLocale(Locale.getDefault());
      stage.setScene(
          new Scene(
              new VBox(16, new Label(messages.get("app.error.start", e.getMessage()))),
              WIDTH,
              HEIGHT));
      stage.show();
    }
  }

  private void startUser(Stage stage, List<String> args) throws Exception {
    Path dataDir =
        option(args, "--data-dir")
            .map(Path::of)
            .orElseGet(() -> DataDirectory.defaultForCurrentUser().root());
    DataDirectory.createPrivateDirectories(dataDir);
    SettingsStore settings = SettingsStore.open(dataDir);
    Optional<String> rpc = option(args, "--rpc");
    Optional<String> deployment = option(args, "--deployment");
    if (rpc.isPresent() || deployment.isPresent()) {
      settings.update(
          s ->
              s.withChain(
                  rpc.map(URI::create).orElse(s.rpc()),
                  deployment.map(Path::of).or(s::deployment)));
    }
    Messages messages = Messages.forLocale(settings.get().language());
    stage.setTitle(messages.get("app.title"));
    Keystore keystore =
        new Keystore(
            new DataDirectory(dataDir), KdfParams.STANDARD, new SecureRandom(), Clock.systemUTC());
    StartViewModel start =
        new StartViewModel(
            keystore,
            settings,
            background,
            messages,
            started -> {
              node = started;
              MainWindow window =
                  new MainWindow(
                      started,
                      background,
                      internetSharing(dataDir),
                      WalletView.dialog(),
                      settings,
                      StartAtLogin.forCurrentUser());
              shown = window;
              stage.setScene(window.scene());
            });
    Scene scene = new Scene(StartView.build(start, messages), WIDTH, HEIGHT);
    MainWindow.style(scene, settings.get().dark());
    stage.setScene(scene);
    stage.show();
    start
        .loaded()
        .addListener(
            (o, was, now) -> {
              if (now) {
                firstFrame(args, scene);
              }
            });
    start.load();
  }

  private void startDemo(Stage stage, List<String> args) {
    Messages messages = Messages.forLocale(Locale.getDefault());
    stage.setTitle(messages.get("app.title"));
    ProgressIndicator progress = new ProgressIndicator();
    Label step = new Label(messages.get("app.starting"));
    stage.setScene(new Scene(new VBox(16, progress, step), 480, 200));
    stage.show();
    background.run(
        () -> {
          Path anvil = LocalNetwork.locateAnvil();
          Path work = LocalNetwork.temporaryWorkDir();
          localNetwork =
              LocalNetwork.start(
                  anvil, work, (key, a) -> Platform.runLater(() -> step.setText(key)));
          for (LocalNetwork.ProviderSpec spec : Demo.PROVIDERS) {
            localNetwork.startProvider(spec, SessionEvents.none());
          }
          PrivateKey you = localNetwork.newIdentity(Myst.parse("5"), Myst.parse("1"));
          Path data = Files.createDirectories(work.resolve("app"));
          SettingsStore settings = SettingsStore.open(data);
          settings.update(
              s ->
                  s.withChain(URI.create(localNetwork.rpcUrl()), Optional.empty())
                      .withLanguage(Locale.getDefault()));
          node =
              Node.start(
                  NodeConfig.of(data, URI.create(localNetwork.rpcUrl()))
                      .withDeploymentFile(localNetwork.deploymentFile()),
                  you);
          return settings;
        },
        settings -> {
          MainWindow window =
              new MainWindow(
                  node,
                  background,
                  new MainWindow.Sharing(ProviderDefaults::loopback, demoLocator()),
                  WalletView.dialog(),
                  settings,
                  StartAtLogin.forCurrentUser());
          shown = window;
          stage.setScene(window.scene());
          firstFrame(args, window.scene());
        },
        e -> {
          progress.setVisible(false);
          step.setText(messages.get("app.error.start", e.getMessage()));
        });
  }

  /**
   * Sharing from a user's computer: found by its public address (asked of a web service) in the
   * open IP location data, announced at that address.
   */
  private static MainWindow.Sharing internetSharing(Path dataDir) {
    PublicAddressSource publicAddress =
        new HttpPublicAddressSource(HttpPublicAddressSource.DEFAULT);
    return new MainWindow.Sharing(
        (offer, exposureCap) -> {
          try {
            return ProviderDefaults.internet(
                offer, publicAddress.publicAddress().getHostAddress(), exposureCap);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                "could not learn this computer's public address: " + e.getMessage(), e);
          }
        },
        () -> locate(publicAddress, geodata(dataDir)));
  }

  /**
   * The demo's location: its providers run on loopback, which has no country, so the public address
   * lookup (a boundary the local network cannot have) is stood in for by a fixed public address;
   * the country and ASN come from the real IP location data when it is installed.
   */
  private static ProviderViewModel.Locator demoLocator() {
    Path geodata =
        Path.of(System.getProperty("mysterium.root.dir", "."))
            .resolve("node-core/geodata/node_modules/@ip-location-db");
    return () -> locate(() -> java.net.InetAddress.getByName("145.100.190.243"), geodata);
  }

  /**
   * Where IP location data is: {@code -Dmysterium.geodata}, else {@code geodata} in the data dir.
   */
  private static Path geodata(Path dataDir) {
    String configured = System.getProperty("mysterium.geodata");
    return configured != null ? Path.of(configured) : dataDir.resolve("geodata");
  }

  /** Looks the public address up in the IP location data. */
  public static ProviderViewModel.Located locate(PublicAddressSource publicAddress, Path geodata)
      throws Exception {
    try (IpLocationDatabase database = IpLocationDatabase.open(geodata)) {
      LocationDetector.Detected found =
          new LocationDetector(publicAddress, database)
              .detect(Optional.empty(), java.util.OptionalLong.empty());
      return new ProviderViewModel.Located(
          found.place(), found.lookedUp().map(a -> a.getHostAddress()).orElse("-"));
    }
  }

  private static Optional<String> option(List<String> args, String name) {
    int at = args.indexOf(name);
    return at < 0 || at + 1 >= args.size() ? Optional.empty() : Optional.of(args.get(at + 1));
  }

  /** With {@code --first-frame FILE}: the scene's first frame to FILE, then quit. */
  private static void firstFrame(List<String> args, Scene scene) {
    Optional<String> file = option(args, "--first-frame");
    if (file.isEmpty()) {
      return;
    }
    Platform.runLater(
        () -> {
          try {
            Parent root = scene.getRoot();
            root.applyCss();
            root.layout();
            javax.imageio.ImageIO.write(
                javafx.embed.swing.SwingFXUtils.fromFXImage(scene.snapshot(null), null),
                "png",
                Path.of(file.get()).toFile());
            System.out.println(
                "first frame: "
                    + file.get()
                    + " (IP tunnel: "
                    + (network.mysterium.service.tunnel.HostNetwork.mayManageNetwork()
                        ? "allowed"
                        : "needs CAP_NET_ADMIN")
                    + ")");
          } catch (java.io.IOException e) {
            System.err.println("cannot write " + file.get() + ": " + e.getMessage());
          }
          Platform.exit();
        });
  }

  @Override
  public void stop() throws Exception {
    if (shown != null) {
      shown.localApi().close(); // before its node
    }
    if (node != null) {
      node.close();
    }
    if (background != null) {
      background.close();
    }
    if (localNetwork != null) {
      localNetwork.close();
    }
  }
}
