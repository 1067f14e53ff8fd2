package network.mysterium.app;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import network.mysterium.app.settings.SettingsStore;
import network.mysterium.app.settings.StartAtLogin;
import network.mysterium.app.viewmodel.Background;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The app, headless (Monocle), against a real local network: anvil, the contracts, two SOCKS5
 * providers and this node, all in-process; a fresh window for every test, and the steps the app
 * tests share.
 */
@ExtendWith(ApplicationExtension.class)
abstract class DesktopAppFixture {
  static Path work;
  static LocalNetwork network;
  static Node node;
  static HttpServer web;
  static Background background;
  final List<String> questions = new java.util.concurrent.CopyOnWriteArrayList<>();
  volatile boolean answer = true;
  static final java.util.regex.Pattern FEE =
      java.util.regex.Pattern.compile("Network fee: at most 0\\.\\d+ ETH \\(\\d+ gas\\)");
  static final InetAddress SHARED_FROM = address("145.100.190.243");
  static final Path GEODATA =
      Path.of("../node-core/geodata/node_modules/@ip-location-db").toAbsolutePath();
  MainWindow window;
  Path settingsDir;
  SettingsStore settings;
  StartAtLogin startAtLogin;

  @BeforeAll
  static void localNetwork() throws Exception {
    work = Files.createTempDirectory("mysterium-app-test");
    network = LocalNetwork.start(AnvilExtension.binary(), work, (key, args) -> {});
    network.startProvider(new LocalNetwork.ProviderSpec("DE", 3320, "0.01"), SessionEvents.none());
    network.startProvider(new LocalNetwork.ProviderSpec("US", 7922, "0.02"), SessionEvents.none());
    PrivateKey you = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
    node = Node.start(network.nodeConfig(Files.createDirectories(work.resolve("app"))), you);
    web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] page = "through the app\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    // 4 MB: at 0.01 MYST per MB one download uses most of a 0.05 MYST step
    byte[] big = "x".repeat(4_000_000).getBytes(StandardCharsets.US_ASCII);
    web.createContext(
        "/big",
        exchange -> {
          exchange.sendResponseHeaders(200, big.length);
          exchange.getResponseBody().write(big);
          exchange.close();
        });
    web.start();
    background = new Background(Platform::runLater);
  }

  @AfterAll
  static void stop() throws Exception {
    if (background != null) {
      background.close();
    }
    if (web != null) {
      web.stop(0);
    }
    if (node != null) {
      node.close();
    }
    if (network != null) {
      network.close();
    }
  }

  /** A fresh window; each test class calls it from its own {@code @Start} (TestFX looks there). */
  void start(Stage stage) throws Exception {
    settingsDir = Files.createTempDirectory(work, "settings");
    settings = SettingsStore.open(settingsDir);
    settings.update(
        s ->
            s.withChain(java.net.URI.create(network.rpcUrl()), Optional.empty())
                .withLanguage(Locale.ENGLISH));
    startAtLogin =
        StartAtLogin.forSystem(
            "Linux",
            java.util.Map.of("XDG_CONFIG_HOME", settingsDir.resolve("xdg").toString()),
            settingsDir,
            List.of("/opt/mysterium/bin/mysterium"));
    window =
        new MainWindow(
            node,
            background,
            new MainWindow.Sharing(
                ProviderDefaults::loopback,
                // a fixed address stands in for the public-address web service (no Internet here);
                // its country and ASN come from the real IP location data
                () -> MysteriumApp.locate(() -> SHARED_FROM, GEODATA)),
            question -> {
              questions.add(question); // the confirmation dialog
              return answer;
            },
            settings,
            startAtLogin);
    stage.setScene(window.scene());
    stage.show();
  }

  static int distinctColours(java.awt.image.BufferedImage image) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 7) {
      for (int x = 0; x < image.getWidth(); x += 7) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }

  static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Empties a text field, then types into it as a user would. */
  static void retype(FxRobot robot, String id, String text) {
    javafx.scene.control.TextField field =
        robot.lookup(id).queryAs(javafx.scene.control.TextField.class);
    robot.interact(field::clear);
    if (!text.isEmpty()) {
      robot.clickOn(field).write(text);
    }
  }

  static java.util.function.Predicate<javafx.scene.control.Labeled> cellContaining(String text) {
    return cell -> cell.getText() != null && cell.getText().contains(text);
  }

  static void await(Callable<Boolean> condition, String what) throws Exception {
    await(condition, () -> what);
  }

  static void await(Callable<Boolean> condition, java.util.function.Supplier<String> what)
      throws Exception {
    try {
      WaitForAsyncUtils.waitFor(
          60,
          TimeUnit.SECONDS,
          () -> {
            Boolean ok = WaitForAsyncUtils.asyncFx(condition).get();
            return ok != null && ok;
          });
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out waiting for " + what.get(), e);
    }
  }
}
