package network.mysterium.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import network.mysterium.app.settings.AppSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * "Serve the local API for other programs" in Settings: off by default; on, another program (curl)
 * reads the app's own node's identity over the socket; off again, the socket is gone. The choice is
 * kept in the settings file.
 */
@ExtendWith(ApplicationExtension.class)
class LocalApiAppTest extends DesktopAppFixture {
  @Start
  void show(Stage stage) throws Exception {
    start(stage);
  }

  @AfterEach
  void closeApi() throws Exception {
    window.localApi().close(); // whatever a failed test left on
  }

  @Test
  void theSwitchServesTheNodesApiOnItsSocketAndRemovesItWhenOff(FxRobot robot) throws Exception {
    Path socket = node.dataDir().resolve("api.sock").toAbsolutePath();
    robot.clickOn("#nav-settings");
    CheckBox serve = robot.lookup("#settings-serve-api").queryAs(CheckBox.class);
    assertThat(serve.isSelected()).isFalse();
    assertThat(AppSettings.load(settingsDir).serveApi()).isFalse();
    assertThat(socket).doesNotExist();

    robot.clickOn("#settings-serve-api");
    await(() -> Files.exists(socket), "the API socket");
    assertThat(robot.lookup("#settings-error").queryAs(Label.class).getText()).isEmpty();
    assertThat(robot.lookup("#settings-api-hint").queryAs(Label.class).getText())
        .contains(socket.toString());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
        .isEqualTo("rw-rw----");
    assertThat(curl("--unix-socket", socket.toString(), "http://localhost/identity"))
        .containsIgnoringCase(node.address().toString());
    // a web page's request is refused, as the daemon's is
    assertThat(
            curl(
                "--unix-socket",
                socket.toString(),
                "-H",
                "Origin: https://example.com",
                "http://localhost/identity"))
        .contains("\"FORBIDDEN_ORIGIN\"");
    assertThat(AppSettings.load(settingsDir).serveApi()).isTrue();

    robot.clickOn("#settings-serve-api");
    await(() -> !Files.exists(socket), "the API socket removed");
    assertThat(curl("--unix-socket", socket.toString(), "http://localhost/identity"))
        .doesNotContainIgnoringCase(node.address().toString());
    assertThat(AppSettings.load(settingsDir).serveApi()).isFalse();
  }

  /** curl's output (its error too), never the exit code. */
  private static String curl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
    command.addAll(List.of(args));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    curl.waitFor();
    return out;
  }
}
