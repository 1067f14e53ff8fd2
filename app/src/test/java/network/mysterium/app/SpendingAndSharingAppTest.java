package network.mysterium.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import network.mysterium.app.settings.AppSettings;
import network.mysterium.app.settings.SettingsStore;
import network.mysterium.app.view.SettingsView;
import network.mysterium.app.viewmodel.ConnectViewModel;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.i18n.Messages;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.provider.IssuerExposure;
import network.mysterium.service.socks.Socks5Client;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SpendLimit;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The app among strangers, headless, against a real local network (anvil, the contracts, a SOCKS5
 * provider, this node): the user's spending limits, why a provider was left, the two locations of a
 * proposal, and sharing capped at half the stake with the datagrams it refused.
 */
@ExtendWith(ApplicationExtension.class)
class SpendingAndSharingAppTest extends DesktopAppFixture {
  @Start
  void show(Stage stage) throws Exception {
    start(stage);
  }

  @Test
  void spendingLimitsAreEditedCheckedKeptAcrossARestartAndStopTheConnect(FxRobot robot)
      throws Exception {
    robot.clickOn("#nav-settings");
    TextField perSession = robot.lookup("#settings-max-spend").queryAs(TextField.class);
    TextField perProvider =
        robot.lookup("#settings-max-spend-per-provider").queryAs(TextField.class);
    assertThat(perSession.getText()).isEqualTo("1");
    assertThat(perProvider.getText()).isEqualTo("2");
    assertThat(robot.lookup("#settings-spend-limit").queryAs(Label.class).getText())
        .startsWith("The defaults are 1 MYST a session and 2 MYST a provider;");
    Label error = robot.lookup("#settings-error").queryAs(Label.class);

    for (String bad : List.of("lots", "0", "-1")) {
      retype(robot, "#settings-max-spend", bad);
      robot.clickOn("#settings-spend-apply");
      assertThat(error.getText())
          .isEqualTo(
              "\"" + bad + "\" is not a spending limit: type MYST above 0, such as 1 or 0.5.");
      assertThat(AppSettings.load(settingsDir).spendLimit()).isEqualTo(SpendLimit.defaults());
    }
    retype(robot, "#settings-max-spend", "0.01");
    retype(robot, "#settings-max-spend-per-provider", "4");
    robot.clickOn("#settings-spend-apply");
    assertThat(error.getText()).isEmpty();
    SpendLimit chosen = new SpendLimit(Myst.parse("0.01"), Myst.parse("4"));
    assertThat(AppSettings.load(settingsDir).spendLimit()).isEqualTo(chosen);

    // a new run of the app opens the settings file again and shows the same limits
    SettingsStore restarted = SettingsStore.open(settingsDir);
    Parent view =
        WaitForAsyncUtils.asyncFx(
                () ->
                    SettingsView.build(
                        Messages.forLocale(Locale.ENGLISH),
                        restarted,
                        startAtLogin,
                        new SettingsView.Actions(
                            l -> {},
                            d -> {},
                            new javafx.beans.property.SimpleBooleanProperty(false),
                            true,
                            window.localApi())))
            .get();
    assertThat(((TextField) view.lookup("#settings-max-spend")).getText()).isEqualTo("0.01");
    assertThat(((TextField) view.lookup("#settings-max-spend-per-provider")).getText())
        .isEqualTo("4");

    // the app's connect pays under them: its first step of 0.05 MYST is over 0.01 a session
    robot.clickOn("#nav-connect");
    connectToGermany(robot);
    Label connectError = robot.lookup("#connect-error").queryAs(Label.class);
    await(() -> !connectError.getText().isEmpty(), "the reason it did not connect");
    assertThat(connectError.getText())
        .isEqualTo(
            "Not connected: the first payment would pass your spending limit (0.01 MYST a"
                + " session, 4 MYST a provider). You can raise it in Settings.");
    assertThat(robot.lookup("#connect-status").queryAs(Label.class).getText())
        .isEqualTo("Not connected");
  }

  @Test
  void aSessionThatWouldPassTheLimitIsLeftAndTheConnectViewSaysWhy(FxRobot robot) throws Exception {
    // room for the first step (0.05) but not the second
    settings.update(s -> s.withSpendLimit(new SpendLimit(Myst.parse("0.06"), Myst.parse("2"))));
    connectToGermany(robot);
    Label status = robot.lookup("#connect-status").queryAs(Label.class);
    await(
        () -> status.getText().startsWith("Connected to"), () -> "connected: " + status.getText());
    var provider = window.connectModel().session().provider();

    // 4 MB at 0.01 MYST per MB: less than half the step is left, and the next step is over
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "--max-time",
                "30",
                "--socks5-hostname",
                window.connectModel().proxyAddress().get(),
                "http://localhost:" + web.getAddress().getPort() + "/big")
            .redirectErrorStream(true)
            .start();
    try {
      await(() -> status.getText().startsWith("This app left"), () -> "left: " + status.getText());
    } finally {
      curl.destroy();
      curl.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(status.getText())
        .isEqualTo(
            "This app left the provider and pays it no more: paying on would pass your spending"
                + " limit (0.06 MYST a session, 2 MYST a provider). You can raise it in Settings.");
    assertThat(window.connectModel().status().get())
        .isEqualTo(ConnectViewModel.Status.DISCONNECTED);
    assertThat(node.totalPromised(provider)).isEqualTo(Myst.parse("0.05")); // never a second step
  }

  @Test
  void theServicesNameBothLocationsAsTheProtocolDoes(FxRobot robot) throws Exception {
    robot.clickOn("#nav-services");
    // provided_from: where the provider's service is attached; origin: where traffic appears from
    assertThat(robot.lookup("#services-country").queryAs(TextField.class).getPromptText())
        .isEqualTo("Provided from (country)");
    assertThat(robot.lookup("#services-origin").queryAs(TextField.class).getPromptText())
        .isEqualTo("Traffic appears from (country)");
    TableView<ProposalIndex.Listing> table = robot.lookup("#services").queryTableView();
    assertThat(table.getColumns())
        .extracting(javafx.scene.control.TableColumn::getText)
        .contains("Provided from", "Traffic appears from")
        .doesNotContain("Provider in");
  }

  @Test
  void sharingCapsEachConsumerAtHalfTheStakeAndCountsTheDatagramsItRefused(FxRobot robot)
      throws Exception {
    robot.clickOn("#nav-provider");
    Label status = robot.lookup("#provider-status").queryAs(Label.class);
    Label error = robot.lookup("#provider-error").queryAs(Label.class);
    robot.clickOn("#provider-detect");
    Label detected = robot.lookup("#provider-detected").queryAs(Label.class);
    await(() -> detected.getText().contains("AS"), () -> "detected: " + error.getText());
    String country = robot.lookup("#provider-country").queryAs(TextField.class).getText();
    retype(robot, "#provider-clear-at", "10"); // the promise stays uncleared while it is looked at
    robot.clickOn(robot.lookup("#share-switch .thumb-area").queryAs(javafx.scene.Node.class));
    await(
        () -> status.getText().startsWith("Sharing from") || !error.getText().isEmpty(),
        () -> "sharing: " + status.getText() + error.getText());
    assertThat(error.getText()).isEmpty();
    // LocalNetwork's registry asks a stake of 10 MYST
    assertThat(robot.lookup("#provider-exposure").queryAs(Label.class).getText())
        .isEqualTo(
            "Each consumer may owe you at most 5 MYST uncleared: half the registration stake of"
                + " 10 MYST.");

    Label refused = robot.lookup("#provider-refused").queryAs(Label.class);
    await(
        () -> refused.getText().equals("Datagrams refused: none."),
        () -> "no refusals yet: " + refused.getText());
    // the app's node has no relay: consumers reach it at the address it announces
    Label reachability = robot.lookup("#provider-reachability").queryAs(Label.class);
    await(
        () ->
            reachability
                .getText()
                .equals("Reachability: at the announced address only (no relay is configured)."),
        () -> "reachability: " + reachability.getText());

    try (PrivateKey other = network.newIdentity(Myst.parse("4"), Myst.parse("3"));
        Database database = Database.open(work.resolve("stranger.db"));
        ConsumerNode stranger =
            ConsumerNode.start(
                other,
                database,
                network.client(),
                network.deployment(),
                Contact.parse("udp://127.0.0.1:0"))) {
      List<ProposalIndex.Listing> found =
          stranger.search(ProposalIndex.Query.of(Optional.of("socks5"), Optional.of(country), 10));
      assertThat(found).extracting(l -> l.proposal().provider()).containsExactly(node.address());
      // a first step of 1.5 MYST: over the old fixed 1 MYST cap, under half the stake
      stranger.spendLimit(new SpendLimit(Myst.parse("2"), Myst.parse("2")));
      // and 0.6 to the German provider, which tells the others (this node too) that it holds it
      try (var toGermany =
              stranger.connect(
                  stranger.search(
                      ProposalIndex.Query.of(Optional.of("socks5"), Optional.of("DE"), 10)),
                  Myst.parse("0.6"),
                  SessionEvents.none(),
                  new Connector.Attempts() {},
                  java.time.Duration.ofSeconds(15),
                  (type, contact) ->
                      new Socks5Client(
                          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
          var session =
              stranger.connect(
                  found,
                  Myst.parse("1.5"),
                  SessionEvents.none(),
                  new Connector.Attempts() {},
                  java.time.Duration.ofSeconds(15),
                  (type, contact) ->
                      new Socks5Client(
                          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))) {
        Label earnings = robot.lookup("#provider-earnings").queryAs(Label.class);
        await(
            () -> {
              robot.clickOn("#provider-refresh");
              return earnings.getText().contains("Sessions now: 1");
            },
            () -> "the stranger's session: " + earnings.getText());
        assertThat(earnings.getText()).startsWith("Uncleared promises: 1.5 MYST.");
        // 3 deposited, 0.6 held by the German provider: 2.4 it can pay, 1.5 held here, and
        // 0.9 more accepted (under the 5 MYST cap)
        TableView<IssuerExposure> exposures = robot.lookup("#provider-exposures").queryTableView();
        assertThat(exposures.getColumns())
            .extracting(javafx.scene.control.TableColumn::getText)
            .containsExactly(
                "Consumer",
                "Held by you",
                "Held by other providers",
                "Can still pay",
                "You still accept");
        await(
            () -> {
              robot.clickOn("#provider-refresh");
              Thread.sleep(300);
              return exposures.getItems().size() == 1
                  && exposures.getItems().getFirst().heldByOthers().equals(Myst.parse("0.6"));
            },
            () -> "the German provider's report: " + exposures.getItems());
        assertThat(exposures.getItems())
            .containsExactly(
                new IssuerExposure(
                    other.address(),
                    true,
                    Myst.parse("1.5"),
                    Myst.parse("0.6"),
                    Myst.parse("2.4"),
                    Myst.parse("0.9")));
      }

      // three datagrams that are not of the protocol, to the port the proposal announces
      InetSocketAddress port =
          Contact.parse(found.getFirst().proposal().contacts().getFirst()).address();
      try (DatagramSocket socket = new DatagramSocket()) {
        byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        for (int i = 0; i < 3; i++) {
          socket.send(new DatagramPacket(junk, junk.length, port));
        }
      }
    }
    await(
        () -> {
          robot.clickOn("#provider-refresh");
          return refused.getText().contains("malformed: 3");
        },
        () -> "the refused datagrams: " + refused.getText());
    assertThat(refused.getText()).matches("Datagrams refused: \\d+ \\(.*malformed: 3.*\\)\\.");

    robot.clickOn(robot.lookup("#share-switch .thumb-area").queryAs(javafx.scene.Node.class));
    await(() -> status.getText().equals("Not sharing"), "stopped sharing");
    assertThat(refused.isVisible()).isFalse();
  }

  private static void connectToGermany(FxRobot robot) throws Exception {
    ListView<Node.CountryRow> countries = robot.lookup("#countries").queryListView();
    await(
        () -> robot.lookup(".list-cell").match(cellContaining("Germany")).tryQuery().isPresent(),
        () -> "the German provider in " + countries.getItems());
    robot.clickOn(robot.lookup(".list-cell").match(cellContaining("Germany")).queryLabeled());
    robot.clickOn("#connect-button");
  }
}
