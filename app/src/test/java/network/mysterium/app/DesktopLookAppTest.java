package network.mysterium.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.geometry.NodeOrientation;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import network.mysterium.app.settings.AppSettings;
import network.mysterium.app.settings.SettingsStore;
import network.mysterium.app.view.StartView;
import network.mysterium.app.viewmodel.StartViewModel;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.i18n.Messages;
import network.mysterium.identity.KdfParams;
import network.mysterium.identity.Keystore;
import network.mysterium.node.Node;
import org.controlsfx.control.ToggleSwitch;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The app's first screen, its accessibility, right-to-left layout and themes. */
class DesktopLookAppTest extends DesktopAppFixture {
  @Start
  void show(Stage stage) throws Exception {
    start(stage);
  }

  @Test
  void theStartScreenCreatesUnlocksAndSaysWhatIsWrong(FxRobot robot) throws Exception {
    Path data = Files.createTempDirectory(work, "user");
    network.deployment().write(data.resolve("deployment.json"));
    SettingsStore userSettings = SettingsStore.open(data);
    userSettings.update(s -> s.withChain(java.net.URI.create(network.rpcUrl()), Optional.empty()));
    Keystore keystore =
        new Keystore(
            new DataDirectory(data),
            KdfParams.LIGHT,
            new java.security.SecureRandom(),
            java.time.Clock.systemUTC());
    List<Node> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    StartViewModel model =
        new StartViewModel(
            keystore, userSettings, background, Messages.forLocale(Locale.ENGLISH), opened::add);
    robot.interact(model::load);
    await(() -> model.creating().get(), "an empty keystore: create");

    robot.interact(
        () -> {
          model.passphrase().set("short");
          model.repeat().set("short");
          model.open();
        });
    assertThat(model.error().get()).isEqualTo("Choose a passphrase of at least 8 characters.");
    robot.interact(
        () -> {
          model.passphrase().set("correct horse");
          model.repeat().set("correct horsf");
          model.open();
        });
    assertThat(model.error().get())
        .isEqualTo("The two passphrases differ: type the same one twice.");
    assertThat(keystore.list().identities()).isEmpty();

    // a chain that does not answer: the identity is created, nothing starts, the error says why
    robot.interact(
        () -> {
          model.rpc().set("http://127.0.0.1:9"); // discard port: nothing listens
          model.passphrase().set("correct horse");
          model.repeat().set("correct horse");
          model.open();
        });
    await(() -> !model.error().get().isEmpty(), "the chain error");
    assertThat(model.error().get()).startsWith("The chain at http://127.0.0.1:9 did not answer");
    assertThat(model.passphrase().get()).isEmpty(); // not kept on screen
    await(() -> !model.creating().get(), "the created identity, to unlock");
    assertThat(keystore.list().identities()).hasSize(1);
    assertThat(opened).isEmpty();

    robot.interact(
        () -> {
          model.rpc().set(network.rpcUrl());
          model.passphrase().set("wrong horse");
          model.open();
        });
    await(() -> !model.error().get().isEmpty(), "the passphrase error");
    assertThat(model.error().get()).isEqualTo("Wrong passphrase: the key stays locked. Try again.");

    robot.interact(
        () -> {
          model.passphrase().set("correct horse");
          model.open();
        });
    await(() -> !opened.isEmpty(), () -> "opened: " + model.error().get());
    try (Node started = opened.getFirst()) {
      assertThat(started.address()).isEqualTo(model.identity().get());
      assertThat(started.wallet().balances().etherWei()).isPositive(); // gas, on the dev chain only
      assertThat(AppSettings.load(data).rpc().toString()).isEqualTo(network.rpcUrl());
    }
  }

  @Test
  void everyControlHasAnAccessibleNameAndTheKeyboardReachesIt(FxRobot robot) throws Exception {
    for (String view : MainWindow.VIEWS) {
      robot.interact(() -> window.show(view));
      WaitForAsyncUtils.waitForFxEvents();
      var controls =
          robot
              .lookup(
                  n ->
                      n instanceof javafx.scene.control.ButtonBase
                          || n instanceof javafx.scene.control.TextInputControl
                          || n instanceof javafx.scene.control.ComboBoxBase
                          || n instanceof javafx.scene.control.TableView
                          || n instanceof javafx.scene.control.ListView
                          || n instanceof ToggleSwitch)
              .queryAll();
      assertThat(controls).as(view).isNotEmpty();
      for (javafx.scene.Node control : controls) {
        if (control.getParent() instanceof javafx.scene.control.ComboBoxBase<?>
            || !control.isVisible()) {
          continue; // a combo box's own button, or a control hidden in this state
        }
        assertThat(control.getAccessibleText())
            .as(view + ": " + control.getId() + " " + control.getClass().getSimpleName())
            .isNotBlank();
      }
    }
    // Tab moves the focus through the connect view to the connect button
    robot.interact(() -> window.show("connect"));
    robot.clickOn("#country-search");
    javafx.scene.Node connect = robot.lookup("#connect-button").query();
    for (int i = 0; i < 10 && !connect.isFocused(); i++) {
      robot.type(javafx.scene.input.KeyCode.TAB);
    }
    assertThat(connect.isFocused()).as("the connect button is reachable with Tab").isTrue();
  }

  @Test
  void persianTurnsTheWholeLayoutRightToLeft(FxRobot robot) throws Exception {
    robot.clickOn("#nav-settings");
    ComboBox<Locale> language = robot.lookup("#language").queryComboBox();
    robot.interact(() -> language.getSelectionModel().select(Locale.of("fa")));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(window.scene().getRoot().getEffectiveNodeOrientation())
        .isEqualTo(NodeOrientation.RIGHT_TO_LEFT);
    assertThat(
            robot.lookup("#nav-connect").queryAs(javafx.scene.control.ToggleButton.class).getText())
        .isEqualTo("اتصال");
    assertThat(
            robot.lookup("#nav-wallet").queryAs(javafx.scene.control.ToggleButton.class).getText())
        .isEqualTo("کیف پول");
  }

  @Test
  void everyViewIsPhotographedInTheLightAndTheDarkTheme(FxRobot robot) throws Exception {
    Path folder = Path.of(System.getProperty("mysterium.screenshots", "target/screenshots"));
    Files.createDirectories(folder);
    ListView<?> countries = robot.lookup("#countries").queryListView();
    await(() -> countries.getItems().size() == 2, "the countries");
    for (boolean dark : new boolean[] {false, true}) {
      for (String view : MainWindow.VIEWS) {
        robot.interact(
            () -> {
              window.setDark(dark);
              window.show(view);
            });
        Thread.sleep(
            300); // for the photograph only: what is asserted (size, colours) needs no wait
        WaitForAsyncUtils.waitForFxEvents();
        Path file = folder.resolve(view + (dark ? "-dark" : "-light") + ".png");
        java.awt.image.BufferedImage image =
            WaitForAsyncUtils.asyncFx(
                    () ->
                        javafx.embed.swing.SwingFXUtils.fromFXImage(
                            window.scene().snapshot(null), null))
                .get();
        javax.imageio.ImageIO.write(image, "png", file.toFile());
        assertThat(image.getWidth()).isEqualTo(980);
        assertThat(distinctColours(image)).as(file.toString()).isGreaterThan(8);
      }
    }
    // the start screen of a real start, over an empty data directory
    Path empty = Files.createTempDirectory(work, "empty");
    StartViewModel start =
        new StartViewModel(
            new Keystore(
                new DataDirectory(empty),
                KdfParams.LIGHT,
                new java.security.SecureRandom(),
                java.time.Clock.systemUTC()),
            SettingsStore.open(empty),
            background,
            Messages.forLocale(Locale.ENGLISH),
            n -> {});
    robot.interact(start::load);
    await(() -> start.creating().get(), "the empty keystore");
    java.awt.image.BufferedImage first =
        WaitForAsyncUtils.asyncFx(
                () -> {
                  javafx.scene.Scene scene =
                      new javafx.scene.Scene(
                          StartView.build(start, Messages.forLocale(Locale.ENGLISH)), 980, 680);
                  MainWindow.style(scene, false);
                  return javafx.embed.swing.SwingFXUtils.fromFXImage(scene.snapshot(null), null);
                })
            .get();
    javax.imageio.ImageIO.write(first, "png", folder.resolve("start-light.png").toFile());
    assertThat(distinctColours(first)).isGreaterThan(8);
    // the themes differ where it matters: the background
    java.awt.image.BufferedImage light =
        javax.imageio.ImageIO.read(folder.resolve("wallet-light.png").toFile());
    java.awt.image.BufferedImage dark =
        javax.imageio.ImageIO.read(folder.resolve("wallet-dark.png").toFile());
    assertThat(light.getRGB(600, 600)).isNotEqualTo(dark.getRGB(600, 600));
  }
}
