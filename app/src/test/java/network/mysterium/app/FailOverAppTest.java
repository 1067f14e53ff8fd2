package network.mysterium.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import network.mysterium.app.settings.AppSettings;
import network.mysterium.app.viewmodel.ConnectViewModel;
import network.mysterium.crypto.Address;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Auto-reconnect in the app (issue 20 item 5, issue 16 item 4), headless against a real local
 * network: the provider connected to is killed, and the connect view says the app is trying the
 * next provider in the country and why, then that it is connected to the other one; the Settings
 * switch is on by default, and turned off the same loss ends the connection.
 */
@ExtendWith(ApplicationExtension.class)
class FailOverAppTest extends DesktopAppFixture {
  @Start
  void show(Stage stage) throws Exception {
    start(stage);
  }

  @Test
  void aKilledProviderIsFollowedByTheNextAndTheSettingTurnsItOff(FxRobot robot) throws Exception {
    List<ProviderNode> dutch = providers("NL");
    List<ProviderNode> polish = providers("PL");
    try {
      assertThat(AppSettings.load(settingsDir).failOver()).as("on by default").isTrue();
      robot.clickOn("#nav-settings");
      CheckBox failOver = robot.lookup("#settings-fail-over").queryAs(CheckBox.class);
      assertThat(failOver.isSelected()).isTrue();

      robot.clickOn("#nav-connect");
      connect(robot, "Netherlands");
      Label status = robot.lookup("#connect-status").queryAs(Label.class);
      await(() -> status.getText().startsWith("Connected to"), () -> status.getText());
      Address left = window.connectModel().session().provider();
      List<String> texts = new CopyOnWriteArrayList<>();
      status.textProperty().addListener((o, was, now) -> texts.add(now));
      provider(dutch, left).close(); // vanishes

      await(
          () ->
              window.connectModel().status().get() == ConnectViewModel.Status.CONNECTED
                  && !window.connectModel().session().provider().equals(left),
          () -> "the next provider: " + status.getText());
      assertThat(texts)
          .anySatisfy(
              t ->
                  assertThat(t)
                      .startsWith("Trying the next provider in Netherlands: this app left " + left)
                      .contains("the session was lost"));
      Address next = window.connectModel().session().provider();
      assertThat(dutch.stream().map(ProviderNode::address)).contains(next);
      assertThat(status.getText()).startsWith("Connected to " + next + " in Netherlands");
      robot.clickOn("#connect-button"); // disconnect
      await(
          () -> window.connectModel().status().get() == ConnectViewModel.Status.DISCONNECTED,
          "disconnected");

      // turned off: the same loss ends the connection
      robot.clickOn("#nav-settings");
      robot.clickOn("#settings-fail-over");
      assertThat(AppSettings.load(settingsDir).failOver()).isFalse();
      robot.clickOn("#nav-connect");
      connect(robot, "Poland");
      await(() -> status.getText().startsWith("Connected to"), () -> status.getText());
      List<ConnectViewModel.Status> states = new CopyOnWriteArrayList<>();
      window.connectModel().status().addListener((o, was, now) -> states.add(now));
      provider(polish, window.connectModel().session().provider()).close();
      await(
          () -> window.connectModel().status().get() == ConnectViewModel.Status.DISCONNECTED,
          () -> "the end: " + status.getText());
      assertThat(status.getText()).startsWith("The session ended");
      assertThat(states).doesNotContain(ConnectViewModel.Status.FAILING_OVER);
    } finally {
      dutch.forEach(ProviderNode::close);
      polish.forEach(ProviderNode::close);
    }
  }

  private static List<ProviderNode> providers(String country) throws Exception {
    return List.of(
        network.startProvider(
            new LocalNetwork.ProviderSpec(country, 3320, "0.01"), SessionEvents.none()),
        network.startProvider(
            new LocalNetwork.ProviderSpec(country, 3320, "0.01"), SessionEvents.none()));
  }

  private static ProviderNode provider(List<ProviderNode> two, Address address) {
    return two.stream().filter(p -> p.address().equals(address)).findFirst().orElseThrow();
  }

  private static void connect(FxRobot robot, String country) throws Exception {
    robot.clickOn("#refresh-countries");
    await(
        () -> robot.lookup(".list-cell").match(cellContaining(country)).tryQuery().isPresent(),
        () -> "a provider in " + country);
    robot.clickOn(robot.lookup(".list-cell").match(cellContaining(country)).queryLabeled());
    robot.clickOn("#connect-button");
  }
}
