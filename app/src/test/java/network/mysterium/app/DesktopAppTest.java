package network.mysterium.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import network.mysterium.app.settings.AppSettings;
import network.mysterium.app.viewmodel.WalletViewModel;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.i18n.Messages;
import network.mysterium.location.IpLocationDatabase;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.ConnectionOptions;
import network.mysterium.node.Node;
import network.mysterium.node.NodeWallet;
import network.mysterium.service.tunnel.HostNetwork;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.controlsfx.control.ToggleSwitch;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

/**
 * The app driven as a person would (clicks and typing): connecting, paying, the wallet, services
 * and sharing.
 */
class DesktopAppTest extends DesktopAppFixture {
  @Start
  void show(Stage stage) throws Exception {
    start(stage);
  }

  @Test
  void pickACountryConnectWatchTheMeteringDisconnectAndSeeThePaymentCleared(FxRobot robot)
      throws Exception {
    ListView<Node.CountryRow> countries = robot.lookup("#countries").queryListView();
    await(() -> countries.getItems().size() == 2, "the countries of the two providers");
    // the items arrive before their cells are drawn: await the cell, not only the item
    await(
        () -> robot.lookup(".list-cell").match(cellContaining("Germany")).tryQuery().isPresent(),
        "the German cell drawn");
    assertThat(robot.lookup(".list-cell").match(cellContaining("Germany")).queryLabeled().getText())
        .contains(": 1 provider, from 0.01 MYST per MB");
    robot.clickOn(robot.lookup(".list-cell").match(cellContaining("Germany")).queryLabeled());
    robot.clickOn("#connect-button");
    Label status = robot.lookup("#connect-status").queryAs(Label.class);
    await(() -> status.getText().startsWith("Connected to"), "connected: " + status.getText());
    assertThat(status.getText()).contains("Germany").contains("SOCKS5");

    String proxy = window.connectModel().proxyAddress().get();
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--socks5-hostname",
                proxy,
                "http://localhost:" + web.getAddress().getPort() + "/")
            .redirectErrorStream(true)
            .start();
    byte[] body = curl.getInputStream().readAllBytes();
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(body).hasSize(16 * 20_000);

    robot.clickOn("#nav-session");
    Label down = robot.lookup("#session-down").queryAs(Label.class);
    // a metering message may have counted part of the download: await the one after it
    await(() -> down.getText().equals("0.32 MB"), "the whole download in the session view");
    Label promised = robot.lookup("#session-promised").queryAs(Label.class);
    await(() -> !promised.getText().isEmpty(), "what was promised");
    assertThat(promised.getText()).isEqualTo("0.05 MYST"); // one step, paid in advance

    // the wallet: the provider holds that step uncleared (earlier sessions' clearings may still
    // be on their way to the node's index)
    robot.clickOn("#nav-wallet");
    Label uncleared = robot.lookup("#wallet-uncleared").queryAs(Label.class);
    String heldByGermany =
        "0.05 MYST held by 1 provider(s): they count it as spent from your payments account until"
            + " they clear it on chain.";
    await(
        () -> {
          robot.clickOn("#wallet-refresh");
          Thread.sleep(300);
          return uncleared.getText().equals(heldByGermany);
        },
        () -> "the step held uncleared: " + uncleared.getText());

    robot.clickOn("#nav-connect");
    robot.clickOn("#connect-button");
    await(() -> status.getText().equals("Not connected"), "disconnected");
    assertThat(window.connectModel().history())
        .first() // newest first; other tests' sessions may be there too
        .satisfies(
            row -> {
              assertThat(row.country()).isEqualTo("Germany");
              assertThat(row.bytes()).isGreaterThan(320_000);
            });
    // a new run of the app reads the same history from the node's database
    var restarted =
        new network.mysterium.app.viewmodel.ConnectViewModel(
            node, background, Messages.forLocale(Locale.ENGLISH), ConnectionOptions::socks5);
    robot.interact(restarted::loadHistory);
    await(() -> !restarted.history().isEmpty(), "the stored history");
    assertThat(restarted.history().getFirst())
        .isEqualTo(window.connectModel().history().getFirst());

    robot.clickOn("#nav-wallet");
    TableView<NodeWallet.PromiseRow> promises = robot.lookup("#promises").queryTableView();
    await(
        () -> {
          robot.clickOn("#wallet-refresh");
          Thread.sleep(500);
          return promises.getItems().stream().anyMatch(NodeWallet.PromiseRow::cleared);
        },
        "the provider's clearing of the promise");
    NodeWallet.PromiseRow cleared =
        promises.getItems().stream().filter(NodeWallet.PromiseRow::cleared).findFirst().get();
    assertThat(cleared.amount()).isEqualTo(Myst.parse("0.05")); // one payment step, in advance
    await(
        () -> {
          robot.clickOn("#wallet-refresh");
          Thread.sleep(300);
          return uncleared.getText().equals("None: every promise you made is cleared on chain.");
        },
        () -> "nothing uncleared after the clearing: " + uncleared.getText());
    // the wallet shows what the chain holds (other tests' sessions may have paid too)
    assertThat(robot.lookup("#wallet-payments").queryAs(Label.class).getText())
        .isEqualTo(node.wallet().balances().paymentsAccount().toString());
  }

  @Test
  void aDepositOfAWrongAmountSaysWhatIsWrong(FxRobot robot) throws Exception {
    robot.clickOn("#nav-wallet");
    Label error = robot.lookup("#wallet-error").queryAs(Label.class);
    robot.clickOn("#deposit-amount").write("abc");
    robot.clickOn("#deposit-button");
    await(() -> !error.getText().isEmpty(), "the error");
    assertThat(error.getText())
        .isEqualTo("\"abc\" is not an amount of MYST: type a positive number such as 0.5.");
    robot.doubleClickOn("#deposit-amount").eraseText(3).write("1000");
    robot.clickOn("#deposit-button");
    await(() -> error.getText().contains("less than"), "the error for too much");
    assertThat(error.getText()).isEqualTo("Your wallet holds less than 1000 MYST.");

    robot.clickOn("#withdraw-to").write("0x12");
    robot.clickOn("#withdraw-amount").write("0.1");
    robot.clickOn("#withdraw-button");
    await(() -> error.getText().contains("not an address"), "the error for a bad address");
    assertThat(error.getText())
        .isEqualTo("\"0x12\" is not an address: it starts with 0x and has 40 hex digits.");
  }

  @Test
  void aDepositShowsEachTransactionWithItsFeeAndSendsNothingWhenCancelled(FxRobot robot)
      throws Exception {
    robot.clickOn("#nav-wallet");
    Label notice = robot.lookup("#wallet-notice").queryAs(Label.class);
    Myst before = node.wallet().balances().paymentsAccount();
    answer = false;
    robot.clickOn("#deposit-amount").write("0.5");
    robot.clickOn("#deposit-button");
    await(() -> notice.getText().startsWith("Cancelled"), "the cancelled notice");
    assertThat(questions)
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q).startsWith("Allow the payments contract to take 0.5 MYST");
              assertThat(FEE.matcher(q).find()).as(q).isTrue();
            });
    assertThat(node.wallet().balances().paymentsAccount()).isEqualTo(before);

    questions.clear();
    answer = true;
    robot.clickOn("#deposit-button");
    await(() -> notice.getText().startsWith("Deposited"), "deposited");
    assertThat(questions).hasSize(2);
    assertThat(questions.get(0)).startsWith("Allow the payments contract to take 0.5 MYST");
    assertThat(questions.get(1))
        .startsWith("Deposit 0.5 MYST from your wallet into your payments account?");
    assertThat(FEE.matcher(questions.get(1)).find()).as(questions.get(1)).isTrue();
    assertThat(node.wallet().balances().paymentsAccount())
        .isEqualTo(before.plus(Myst.parse("0.5")));
    assertThat(robot.lookup("#wallet-ether").queryAs(Label.class).getText()).endsWith(" ETH");
  }

  @Test
  void aWithdrawalIsRequestedThenCompletedFromTheWalletOnceItsNoticeHasPassed(FxRobot robot)
      throws Exception {
    // clearings move the payments account too: let those of the other tests' sessions land first
    await(
        () -> node.wallet().promises().stream().allMatch(NodeWallet.PromiseRow::cleared),
        "the clearing of every promise made so far");
    robot.clickOn("#nav-wallet");
    robot.clickOn("#wallet-refresh");
    Label notice = robot.lookup("#wallet-notice").queryAs(Label.class);
    Label pending = robot.lookup("#wallet-pending-withdrawal").queryAs(Label.class);
    Label payments = robot.lookup("#wallet-payments").queryAs(Label.class);
    javafx.scene.control.Button complete =
        robot.lookup("#complete-withdrawal-button").queryButton();
    Myst before = node.wallet().balances().paymentsAccount();
    await(() -> payments.getText().equals(before.toString()), "the payments account read");
    String to;
    try (PrivateKey destination = PrivateKey.generate(new java.security.SecureRandom())) {
      to = destination.address().toString();
    }
    var token = new MystTokenContract(network.client(), network.deployment().token());

    retype(robot, "#withdraw-to", to);
    retype(robot, "#withdraw-amount", "0.1");
    robot.clickOn("#withdraw-button");
    await(() -> notice.getText().startsWith("Withdrawal of"), () -> "requested: " + error(robot));
    assertThat(questions)
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q)
                  .startsWith(
                      "Request the withdrawal of 0.1 MYST from your payments account to " + to);
              assertThat(q).contains("completes after a notice");
              assertThat(FEE.matcher(q).find()).as(q).isTrue();
            });
    assertThat(notice.getText())
        .startsWith("Withdrawal of 0.1 MYST to " + to + " requested: it can complete from ");
    await(() -> !pending.getText().isEmpty(), "the pending withdrawal");
    assertThat(pending.getText())
        .startsWith("Withdrawal of 0.1 MYST to " + to + " requested; it can complete from ");
    assertThat(complete.isVisible()).isFalse();
    // requested, not moved: the account still holds the amount, and nothing reached the address
    assertThat(payments.getText()).isEqualTo(before.toString());
    assertThat(token.balanceOf(to)).isZero();

    // too early: the model's completion is refused with its own message, and nothing is sent
    questions.clear();
    Label error = robot.lookup("#wallet-error").queryAs(Label.class);
    assertThat(error.getText()).isEmpty();
    robot.interact(() -> window.walletModel().completeWithdrawal(questions::add));
    await(() -> !error.getText().isEmpty(), "the not-due error");
    assertThat(error.getText()).startsWith("The withdrawal cannot complete yet: it can from ");
    assertThat(questions).isEmpty();

    network.client().advanceTimeOnDevChain(Deployer.Parameters.LOCAL_WITHDRAWAL_NOTICE);
    robot.clickOn("#wallet-refresh");
    await(() -> complete.isVisible(), () -> "the completion offered: " + pending.getText());
    assertThat(pending.getText())
        .isEqualTo("Withdrawal of 0.1 MYST to " + to + " is due: complete it.");
    assertThat(payments.getText()).isEqualTo(before.toString());

    robot.clickOn("#complete-withdrawal-button");
    await(
        () -> notice.getText().startsWith("Withdrawal complete"),
        () -> "completed: " + error.getText());
    assertThat(questions)
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q)
                  .startsWith("Complete the withdrawal of 0.1 MYST from your payments account?");
              assertThat(FEE.matcher(q).find()).as(q).isTrue();
            });
    assertThat(notice.getText())
        .startsWith("Withdrawal complete: 0.1 MYST requested, sent from your payments account");
    Myst after = Myst.ofBaseUnits(before.baseUnits().subtract(Myst.parse("0.1").baseUnits()));
    await(() -> payments.getText().equals(after.toString()), () -> "less: " + payments.getText());
    assertThat(pending.getText()).isEmpty();
    assertThat(complete.isVisible()).isFalse();
    assertThat(node.wallet().balances().pendingWithdrawal()).isEmpty();
    assertThat(Myst.ofBaseUnits(token.balanceOf(to))).isEqualTo(Myst.parse("0.1"));
  }

  private static String error(FxRobot robot) {
    return robot.lookup("#wallet-error").queryAs(Label.class).getText();
  }

  @Test
  void anUnregisteredIdentityRegistersFromTheWalletConfirmingTheStakeAndTheFee(FxRobot robot)
      throws Exception {
    PrivateKey fresh = PrivateKey.generate(new java.security.SecureRandom());
    network.fundUnregistered(fresh, Myst.parse("12"));
    try (Node other =
        Node.start(
            network.nodeConfig(Files.createDirectories(work.resolve("unregistered"))), fresh)) {
      var model = new WalletViewModel(other, background, Messages.forLocale(Locale.ENGLISH));
      robot.interact(model::refresh);
      await(() -> !model.registered().get(), "not registered yet");
      robot.interact(
          () ->
              model.register(
                  q -> {
                    questions.add(q);
                    return true;
                  }));
      await(() -> model.registered().get(), () -> "registered: " + model.error().get());
      assertThat(questions).hasSize(2);
      assertThat(questions.get(0))
          .startsWith("Allow the identity registry to take the stake of 10 MYST");
      assertThat(questions.get(1)).startsWith("Register your identity for a stake of 10 MYST?");
      assertThat(FEE.matcher(questions.get(1)).find()).isTrue();
      assertThat(model.notice().get()).isEqualTo("Your identity is registered.");
      assertThat(other.wallet().balances().registered()).isTrue();
    }
  }

  @Test
  void theServicesFilterByOriginBandwidthAndStarAndShowPricesPerGigabyte(FxRobot robot)
      throws Exception {
    robot.clickOn("#nav-services");
    TableView<ProposalIndex.Listing> table = robot.lookup("#services").queryTableView();
    await(() -> table.getItems().size() >= 2, "the proposals");
    assertThat(
            robot
                .lookup(".table-cell")
                .match(cellContaining("0.01 MYST per MB (10 MYST per GB)"))
                .tryQuery())
        .isPresent();

    retype(robot, "#services-origin", "us");
    robot.clickOn("#services-apply");
    await(
        () -> table.getItems().stream().allMatch(l -> l.proposal().origin().country().equals("US")),
        "only US providers");
    assertThat(table.getItems()).hasSize(1);

    retype(robot, "#services-origin", "");
    retype(robot, "#services-min-bandwidth", "200"); // Mbit/s; the providers offer 100
    robot.clickOn("#services-apply");
    await(() -> table.getItems().isEmpty(), "none as fast as 200 Mbit/s");
    retype(robot, "#services-min-bandwidth", "fast");
    robot.clickOn("#services-apply");
    Label error = robot.lookup("#services-error").queryAs(Label.class);
    await(() -> !error.getText().isEmpty(), "the bandwidth error");
    assertThat(error.getText())
        .isEqualTo("\"fast\" is not a bandwidth: type Mbit/s, such as 10 or 2.5.");
    retype(robot, "#services-min-bandwidth", "99.5");
    robot.clickOn("#services-apply");
    await(() -> table.getItems().size() >= 2, "both at 99.5 Mbit/s");

    var german =
        table.getItems().stream()
            .filter(l -> l.proposal().providedFrom().country().equals("DE"))
            .findFirst()
            .orElseThrow();
    robot.interact(() -> table.getSelectionModel().select(german));
    robot.clickOn("#services-prefer");
    await(() -> table.getItems().stream().anyMatch(ProposalIndex.Listing::preferred), "the star");
    robot.clickOn("#services-preferred-only");
    robot.clickOn("#services-apply");
    await(
        () -> table.getItems().stream().allMatch(ProposalIndex.Listing::preferred), "only starred");
    assertThat(table.getItems())
        .extracting(l -> l.proposal().provider())
        .contains(german.proposal().provider());
    robot.clickOn("#services-preferred-only");
    retype(robot, "#services-min-bandwidth", "");
  }

  @Test
  void aChosenServiceConnectsAndAStarMarksItsProviderPreferred(FxRobot robot) throws Exception {
    robot.clickOn("#nav-services");
    TableView<ProposalIndex.Listing> table = robot.lookup("#services").queryTableView();
    await(() -> table.getItems().size() >= 2, "the proposals");
    assertThat(table.getItems().getFirst().proposal().pricePerUnit())
        .isEqualTo(Myst.parse("0.01")); // cheapest first
    int us = -1;
    for (int i = 0; i < table.getItems().size(); i++) {
      if (table.getItems().get(i).proposal().providedFrom().country().equals("US")) {
        us = i;
      }
    }
    int row = us;
    robot.interact(() -> table.getSelectionModel().select(row));
    var provider = table.getItems().get(row).proposal().provider();
    robot.clickOn("#services-prefer");
    await(
        () ->
            table.getItems().stream()
                .anyMatch(l -> l.preferred() && l.proposal().provider().equals(provider)),
        "the star");
    robot.interact(
        () ->
            table
                .getSelectionModel()
                .select(
                    table.getItems().stream()
                        .filter(l -> l.proposal().provider().equals(provider))
                        .findFirst()
                        .orElseThrow()));
    robot.clickOn("#services-connect");
    var status = window.connectModel().statusText();
    await(() -> status.get().startsWith("Connected to"), () -> "connected: " + status.get());
    assertThat(status.get()).contains(provider.toString()).contains("United States");
    assertThat(robot.lookup("#session-proxy").queryAs(Label.class).getText())
        .isEqualTo(window.connectModel().proxyAddress().get());
    robot.interact(() -> window.connectModel().disconnect());
    await(() -> status.get().equals("Not connected"), "disconnected");
  }

  @Test
  void sharingMyBandwidthAnnouncesAProposalAnotherNodeFinds(FxRobot robot) throws Exception {
    String country;
    long asn;
    try (var geodata = IpLocationDatabase.open(GEODATA)) {
      country = geodata.country(SHARED_FROM).orElseThrow();
      asn = geodata.asn(SHARED_FROM).orElseThrow();
    }
    robot.clickOn("#nav-provider");
    Label status = robot.lookup("#provider-status").queryAs(Label.class);
    Label error = robot.lookup("#provider-error").queryAs(Label.class);
    // an offer that cannot be made says why, and nothing is announced
    retype(robot, "#provider-price", "free");
    robot.clickOn(robot.lookup("#share-switch .thumb-area").queryAs(javafx.scene.Node.class));
    await(() -> !error.getText().isEmpty(), "the price error");
    assertThat(error.getText())
        .isEqualTo("\"free\" is not a price: type MYST per MB, such as 0.01.");
    assertThat(robot.lookup("#share-switch").queryAs(ToggleSwitch.class).isSelected()).isFalse();
    retype(robot, "#provider-price", "0.02");
    robot.clickOn(robot.lookup("#share-switch .thumb-area").queryAs(javafx.scene.Node.class));
    await(() -> error.getText().startsWith("\"\" is not a country code"), "the country error");

    robot.clickOn("#provider-detect");
    Label detected = robot.lookup("#provider-detected").queryAs(Label.class);
    await(() -> detected.getText().contains("AS"), () -> "detected: " + error.getText());
    assertThat(detected.getText()).endsWith(", AS" + asn + " (from 145.100.190.243)");
    assertThat(
            robot
                .lookup("#provider-country")
                .queryAs(javafx.scene.control.TextField.class)
                .getText())
        .isEqualTo(country);
    robot.clickOn(robot.lookup("#share-switch .thumb-area").queryAs(javafx.scene.Node.class));
    await(
        () -> status.getText().startsWith("Sharing from") || !error.getText().isEmpty(),
        () -> "sharing: " + status.getText());
    assertThat(error.getText()).isEmpty();
    assertThat(status.getText()).endsWith(" at 0.02 MYST per MB (SOCKS5 proxy (no admin rights))");
    assertThat(
            robot
                .lookup("#provider-price")
                .queryAs(javafx.scene.control.TextField.class)
                .isDisabled())
        .isTrue(); // the offer is fixed while it is announced

    try (PrivateKey other = network.newIdentity(Myst.parse("1"), Myst.parse("0.5"));
        Database database = Database.open(work.resolve("other.db"));
        ConsumerNode second =
            ConsumerNode.start(
                other,
                database,
                network.client(),
                network.deployment(),
                Contact.parse("udp://127.0.0.1:0"))) {
      List<ProposalIndex.Listing> found =
          second.search(ProposalIndex.Query.of(Optional.of("socks5"), Optional.of(country), 10));
      assertThat(found).extracting(l -> l.proposal().provider()).containsExactly(node.address());
      // and buys from it: the share view shows the promise held and the open session
      try (var session =
          second.connect(
              found,
              Myst.parse("0.05"),
              SessionEvents.none(),
              new network.mysterium.consumer.Connector.Attempts() {},
              java.time.Duration.ofSeconds(15),
              (type, contact) ->
                  new network.mysterium.service.socks.Socks5Client(
                      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))) {
        Label earnings = robot.lookup("#provider-earnings").queryAs(Label.class);
        await(
            () -> {
              robot.clickOn("#provider-refresh");
              Thread.sleep(300);
              return earnings.getText().contains("Sessions now: 1");
            },
            () -> "the session in the share view: " + earnings.getText());
        assertThat(earnings.getText()).startsWith("Uncleared promises: 0.05 MYST.");
        TableView<network.mysterium.session.ProviderSessions.ActiveSession> sessions =
            robot.lookup("#provider-sessions").queryTableView();
        assertThat(sessions.getItems())
            .singleElement()
            .satisfies(a -> assertThat(a.consumer()).isEqualTo(other.address()));
      }
    }
    robot.clickOn(robot.lookup("#share-switch .thumb-area").queryAs(javafx.scene.Node.class));
    await(() -> status.getText().equals("Not sharing"), "stopped sharing");
  }

  @Test
  void settingsAreSavedAtOnceAndStartAtLoginWritesTheAutostartEntry(FxRobot robot)
      throws Exception {
    robot.clickOn("#nav-settings");
    assertThat(robot.lookup("#settings-data-dir").queryAs(Label.class).getText())
        .isEqualTo(settingsDir.toString());
    javafx.scene.control.CheckBox killSwitch =
        robot.lookup("#settings-kill-switch").queryAs(javafx.scene.control.CheckBox.class);
    assertThat(killSwitch.isDisabled()).isTrue(); // SOCKS5 has no kill switch
    ComboBox<String> type = robot.lookup("#settings-type").queryComboBox();
    robot.interact(() -> type.setValue("wireguard"));
    assertThat(killSwitch.isDisabled()).isFalse();
    // the warning about rights shows exactly when this process may not open the tunnel
    assertThat(robot.lookup("#settings-tunnel-rights").query().isVisible())
        .isEqualTo(!HostNetwork.mayManageNetwork());
    assertThat(robot.lookup("#settings-dns").queryAs(Label.class).getText())
        .isEqualTo("Every DNS query goes through the tunnel to the provider's resolver.");
    robot.clickOn(killSwitch);
    AppSettings saved = AppSettings.load(settingsDir);
    assertThat(saved.serviceType()).isEqualTo("wireguard");
    assertThat(saved.killSwitch()).isFalse();

    Path entry = settingsDir.resolve("xdg/autostart/mysterium.desktop");
    assertThat(entry).doesNotExist();
    robot.clickOn("#settings-start-at-login");
    assertThat(entry).exists();
    assertThat(Files.readString(entry)).contains("Exec=/opt/mysterium/bin/mysterium\n");
    assertThat(AppSettings.load(settingsDir).startAtLogin()).isTrue();
    robot.clickOn("#settings-start-at-login");
    assertThat(entry).doesNotExist();

    robot.interact(() -> type.setValue("socks5"));
    assertThat(AppSettings.load(settingsDir).serviceType()).isEqualTo("socks5");
  }
}
