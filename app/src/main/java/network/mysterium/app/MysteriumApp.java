package network.mysterium.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import network.mysterium.app.node.DesktopNode;
import network.mysterium.app.view.WalletView;
import network.mysterium.app.viewmodel.Background;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.Demo;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.i18n.Messages;
import network.mysterium.money.Myst;
import network.mysterium.session.SessionEvents;

/**
 * The desktop app. {@code --demo}: starts the local network in-process (anvil, the contracts, three
 * providers, a funded identity, as {@code mysterium demo} does) and opens on it; progress is shown
 * while it starts, and all of it stops with the window.
 */
public final class MysteriumApp extends Application {
  private LocalNetwork localNetwork;
  private DesktopNode node;
  private Background background;

  @Override
  public void start(Stage stage) {
    Messages messages = Messages.forLocale(Locale.getDefault());
    stage.setTitle(messages.get("app.title"));
    ProgressIndicator progress = new ProgressIndicator();
    Label step = new Label(messages.get("app.starting"));
    stage.setScene(new Scene(new VBox(16, progress, step), 480, 200));
    stage.show();
    List<String> args = getParameters().getRaw();
    if (!args.contains("--demo")) {
      step.setText(messages.get("app.usage"));
      progress.setVisible(false);
      return;
    }
    background = new Background(Platform::runLater);
    background.run(
        () -> {
          Path anvil = Anvil.locate(Path.of(System.getProperty("mysterium.root.dir", ".")));
          Path work = LocalNetwork.temporaryWorkDir();
          localNetwork =
              LocalNetwork.start(
                  anvil, work, (key, a) -> Platform.runLater(() -> step.setText(key)));
          for (LocalNetwork.ProviderSpec spec : Demo.PROVIDERS) {
            localNetwork.startProvider(spec, SessionEvents.none());
          }
          PrivateKey you = localNetwork.newIdentity(Myst.parse("5"), Myst.parse("1"));
          Path data = Files.createDirectories(work.resolve("app"));
          node = DesktopNode.start(you, data, localNetwork.client(), localNetwork.deployment());
          return node;
        },
        started -> {
          MainWindow window =
              new MainWindow(
                  started,
                  background,
                  () -> ProviderDefaults.loopbackSocks5(new ServiceProposal.Place("NL", 1136)),
                  WalletView.dialog(),
                  localNetwork.rpcUrl(),
                  Locale.getDefault());
          stage.setScene(window.scene());
          firstFrame(args, window);
        },
        e -> {
          progress.setVisible(false);
          step.setText(messages.get("app.error.start", e.getMessage()));
        });
  }

  /** With {@code --first-frame FILE}: the main window's first frame to FILE, then quit. */
  private static void firstFrame(List<String> args, MainWindow window) {
    int at = args.indexOf("--first-frame");
    if (at < 0 || at + 1 >= args.size()) {
      return;
    }
    Path file = Path.of(args.get(at + 1));
    Platform.runLater(
        () -> {
          try {
            javax.imageio.ImageIO.write(
                javafx.embed.swing.SwingFXUtils.fromFXImage(window.scene().snapshot(null), null),
                "png",
                file.toFile());
            System.out.println("first frame: " + file);
          } catch (java.io.IOException e) {
            System.err.println("cannot write " + file + ": " + e.getMessage());
          }
          Platform.exit();
        });
  }

  @Override
  public void stop() throws Exception {
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
