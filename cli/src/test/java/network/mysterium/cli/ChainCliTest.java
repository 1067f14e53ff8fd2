package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * chain deploy, identity register, wallet deposit/balance/withdraw as a user runs them, on anvil.
 */
@ExtendWith(AnvilExtension.class)
class ChainCliTest {
  /** The ip-location-db data the build installs into node-core/geodata. */
  private static final String LOCATION_DATA =
      Path.of(System.getProperty("mysterium.root.dir", ".."))
          .resolve("node-core/geodata/node_modules/@ip-location-db")
          .toString();

  @TempDir Path temp;

  @org.junit.jupiter.api.extension.RegisterExtension
  final PublicAddressEcho echo = new PublicAddressEcho();

  private CliHarness cli;
  private String rpc;
  private String address;

  @BeforeEach
  void createIdentity(Anvil anvil) {
    rpc = anvil.rpcUrl().toString();
    cli = new CliHarness(temp.resolve("node"));
    cli.variables.put("MYSTERIUM_PASSPHRASE", "chain pass");
    CliHarness.Run created = cli.run("identity", "new");
    Matcher matcher = Pattern.compile("0x[0-9a-fA-F]{40}").matcher(created.out());
    assertThat(matcher.find()).isTrue();
    address = matcher.group();
  }

  private CliHarness bob;
  private String bobAddress;

  /**
   * Deploys (no stake), registers this test's identity and a second node's ("bob"); returns the
   * deployment file both use.
   */
  private String deployWithTwoRegisteredNodes() {
    ok("chain", "deploy", "--rpc", rpc, "--stake", "0");
    ok("identity", "register", "--rpc", rpc);
    String deployment = temp.resolve("node/deployment.json").toString();
    bob = new CliHarness(temp.resolve("bob"));
    bob.variables.put("MYSTERIUM_PASSPHRASE", "bob pass");
    Matcher matcher =
        Pattern.compile("0x[0-9a-fA-F]{40}").matcher(bob.run("identity", "new").out());
    assertThat(matcher.find()).isTrue();
    bobAddress = matcher.group();
    assertThat(bob.run("identity", "register", "--rpc", rpc, "--deployment", deployment).exitCode())
        .isZero();
    return deployment;
  }

  private CliHarness.Run ok(String... args) {
    CliHarness.Run run = cli.run(args);
    assertThat(run.exitCode()).as("%s: %s", String.join(" ", args), run.err()).isZero();
    return run;
  }

  @Test
  void deployRegisterDepositBalanceWithdraw(Anvil anvil) throws Exception {
    CliHarness.Run deployed = ok("chain", "deploy", "--rpc", rpc, "--stake", "10");
    assertThat(deployed.out())
        .contains("Deployed the contracts on chain 31337")
        .contains("Payments: 0x");
    assertThat(Files.readString(temp.resolve("node/deployment.json")))
        .contains("\"chainId\" : 31337");

    assertThat(ok("identity", "register", "--rpc", rpc).out())
        .contains("Registered identity " + address);
    assertThat(ok("wallet", "deposit", "25.5", "--rpc", rpc).out())
        .contains("Deposited 25.5 MYST for " + address);
    String dead = "0x000000000000000000000000000000000000dEaD";
    String requested = ok("wallet", "withdraw", "5", "--to", dead, "--rpc", rpc).out();
    assertThat(requested)
        .contains("Requested a withdrawal of 5 MYST to " + dead)
        .contains("It can complete from ");
    // requested, not sent: the account holds it until the notice passes, and says so
    assertThat(ok("wallet", "balance", "--rpc", rpc).out())
        .contains("Payments account:  25.5 MYST")
        .contains("Withdrawal:        5 MYST to " + dead + ", requested; it can complete from");
    CliHarness.Run early = cli.run("wallet", "withdraw", "--complete", "--rpc", rpc);
    assertThat(early.exitCode()).isEqualTo(1);
    assertThat(early.err()).contains("WithdrawalNotDue(");
    try (var client = network.mysterium.contracts.EthereumClient.connect(anvil.rpcUrl())) {
      client.advanceTimeOnDevChain(
          network.mysterium.contracts.Deployer.Parameters.LOCAL_WITHDRAWAL_NOTICE);
    }
    assertThat(ok("wallet", "balance", "--rpc", rpc).out()).contains(", due since ");
    assertThat(ok("wallet", "withdraw", "--complete", "--rpc", rpc).out())
        .contains("Withdrew 5 MYST to " + dead);
    CliHarness.Run neither = cli.run("wallet", "withdraw", "--rpc", rpc);
    assertThat(neither.exitCode()).isNotZero();

    String balance = ok("wallet", "balance", "--rpc", rpc).out();
    assertThat(balance)
        .contains("Registered:        yes (stake 10 MYST)")
        .contains("Payments account:  20.5 MYST")
        .contains("Wallet:            999999964.5 MYST"); // 1e9 - 10 staked - 25.5 deposited
    assertThat(ok("wallet", "balance", dead, "--rpc", rpc).out())
        .contains("Wallet:            5 MYST");

    CliHarness.Run again = cli.run("identity", "register", "--rpc", rpc);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err())
        .startsWith("Error: the contract refused the transaction: AlreadyRegistered(");

    CliHarness.Run tooMuch = cli.run("wallet", "withdraw", "100", "--rpc", rpc);
    assertThat(tooMuch.exitCode()).isEqualTo(1);
    assertThat(tooMuch.err()).contains("InsufficientBalance(");
  }

  @Test
  void unreachableOrWrongChainAndMissingDeploymentAreOneLineErrors(Anvil anvil) throws Exception {
    CliHarness.Run noDeployment = cli.run("wallet", "balance", "--rpc", rpc);
    assertThat(noDeployment.exitCode()).isEqualTo(1);
    assertThat(noDeployment.err()).contains("no deployment file").contains("chain deploy");

    ok("chain", "deploy", "--rpc", rpc);
    CliHarness.Run unreachable = cli.run("wallet", "balance", "--rpc", "http://127.0.0.1:1");
    assertThat(unreachable.exitCode()).isEqualTo(1);
    assertThat(unreachable.err().strip())
        .isEqualTo("Error: cannot reach the chain at http://127.0.0.1:1: connection refused");

    // an endpoint from --rpc-file, its key in no message
    java.nio.file.Path keyed = temp.resolve("rpc");
    java.nio.file.Files.writeString(keyed, "http://127.0.0.1:1/v3/S3cretKey0123\n");
    CliHarness.Run fromFile = cli.run("wallet", "balance", "--rpc-file", keyed.toString());
    assertThat(fromFile.err().strip())
        .isEqualTo("Error: cannot reach the chain at http://127.0.0.1:1: connection refused");
    java.nio.file.Files.writeString(keyed, rpc + "\n");
    assertThat(cli.run("wallet", "balance", "--rpc-file", keyed.toString()).exitCode()).isZero();
    java.nio.file.Files.writeString(keyed, "not a URL S3cretKey0123\n");
    assertThat(cli.run("wallet", "balance", "--rpc-file", keyed.toString()).err().strip())
        .isEqualTo("Error: the first line of " + keyed + " is not an RPC URL");

    try (Anvil other = Anvil.start(AnvilExtension.binary(), 5)) {
      CliHarness.Run wrongChain = cli.run("wallet", "balance", "--rpc", other.rpcUrl().toString());
      assertThat(wrongChain.exitCode()).isEqualTo(1);
      assertThat(wrongChain.err())
          .contains("has chain id 5 but the deployment is for chain id 31337");
    }
  }

  @Test
  void twoNodesOnLoopbackOpenADialogueAndExchangeMessages() throws Exception {
    String deployment = deployWithTwoRegisteredNodes();

    try (CliProcess bobNode = bobNode(deployment)) {
      String port = bobNode.awaitMatch(LISTENING, START);
      CliHarness.Run alice =
          ok(
              "node",
              "--rpc",
              rpc,
              "--connect",
              bobAddress + "@udp://127.0.0.1:" + port,
              "--send",
              "hello bob",
              "--send",
              "second message",
              "--run-for",
              "1");
      assertThat(alice.out())
          .contains("Dialogue with " + bobAddress + " open after")
          .contains("2 messages to " + bobAddress + " acknowledged");

      String bobOut = bobNode.awaitOut("closed: closed by the peer: the node stopped", START);
      assertThat(bobOut)
          .contains("Node " + bobAddress + " listening on udp://127.0.0.1:" + port)
          .contains("Message from " + address + ": hello bob")
          .contains("Message from " + address + ": second message");
      assertThat(bobOut.indexOf("hello bob")).isLessThan(bobOut.indexOf("second message"));
      bobNode.terminate();
      assertThat(bobNode.awaitExit(java.time.Duration.ofSeconds(10))).isTrue();
      assertThat(bobNode.err()).as("no warning at a normal stop").doesNotContain("WARN");
    }
  }

  @Test
  void providersAnnounceAndAConsumerSearchFindsThemSortedByPrice() throws Exception {
    String deployment = deployWithTwoRegisteredNodes();

    ok(
        "provider",
        "announce",
        "--rpc",
        rpc,
        "--type",
        "wireguard",
        "--country",
        "de",
        "--asn",
        "3320",
        "--price",
        "0.0002",
        "--contact",
        "udp://203.0.113.1:5000");
    CliHarness.Run announced =
        bob.run(
            "provider",
            "announce",
            "--rpc",
            rpc,
            "--deployment",
            deployment,
            "--type",
            "wireguard",
            "--country",
            "DE",
            "--asn",
            "3320",
            "--price",
            "0.0001",
            "--contact",
            "udp://203.0.113.2:5000");
    assertThat(announced.exitCode()).as(announced.err()).isZero();
    // no --country or --asn: looked up for the address the "what is my IP" service reports
    echo.answer("8.8.8.8");
    CliHarness.Run located =
        bob.run(
            "provider",
            "announce",
            "--rpc",
            rpc,
            "--deployment",
            deployment,
            "--type",
            "socks5",
            "--geodata",
            LOCATION_DATA,
            "--public-address-service",
            echo.uri(),
            "--price",
            "0.00001",
            "--contact",
            "tcp://203.0.113.2:443");
    assertThat(located.exitCode()).as(located.err()).isZero();
    assertThat(located.out())
        .contains("Location: US, AS15169 (looked up for public address 8.8.8.8)")
        .contains("Announced socks5 from US");

    // the same offer with a new price gets the next serial; the index shows only the new one
    assertThat(
            ok(
                    "provider",
                    "announce",
                    "--rpc",
                    rpc,
                    "--type",
                    "wireguard",
                    "--country",
                    "DE",
                    "--asn",
                    "3320",
                    "--price",
                    "0.0003",
                    "--contact",
                    "udp://203.0.113.1:5000")
                .out())
        .contains("(serial 2)");
    ok(
        "provider",
        "announce",
        "--rpc",
        rpc,
        "--type",
        "wireguard",
        "--country",
        "DE",
        "--asn",
        "3320",
        "--price",
        "0.0002",
        "--contact",
        "udp://203.0.113.1:5000");

    CliHarness consumer = new CliHarness(temp.resolve("consumer"));
    CliHarness.Run search =
        consumer.run(
            "search",
            "--rpc",
            rpc,
            "--deployment",
            deployment,
            "--country",
            "DE",
            "--asn",
            "3320",
            "--type",
            "wireguard");
    assertThat(search.exitCode()).as(search.err()).isZero();
    List<String> rows = search.out().lines().skip(1).filter(l -> !l.startsWith("*")).toList();
    assertThat(rows).hasSize(2);
    // the hourly cost column all prices are compared by, and the note saying how
    assertThat(rows.get(0)).contains(" 0.1 ");
    assertThat(search.out()).contains("* What an hour of use costs at 1000 MB an hour");
    assertThat(rows.get(0)).startsWith(bobAddress).contains("0.1024 MYST/GB");
    assertThat(rows.get(1)).startsWith(address).contains("0.2048 MYST/GB");

    assertThat(
            consumer
                .run(
                    "search",
                    "--rpc",
                    rpc,
                    "--deployment",
                    deployment,
                    "--country",
                    "DE",
                    "--asn",
                    "3320",
                    "--max-price",
                    "0.00015")
                .out())
        .contains(bobAddress)
        .doesNotContain(address);
    // the same search, asked of bob's node over a dialogue; signatures checked by the asker
    try (CliProcess bobNode = bobNode(deployment)) {
      String port = bobNode.awaitMatch(LISTENING, START);
      CliHarness.Run remote =
          ok(
              "search",
              "--rpc",
              rpc,
              "--remote",
              bobAddress + "@udp://127.0.0.1:" + port,
              "--country",
              "DE",
              "--type",
              "wireguard");
      assertThat(remote.out())
          .contains("2 proposals from the index of " + bobAddress + " (0 dropped");
      List<String> remoteRows =
          remote
              .out()
              .lines()
              .dropWhile(l -> !l.startsWith("PROVIDER"))
              .skip(1)
              .filter(l -> !l.startsWith("*"))
              .toList();
      assertThat(remoteRows).hasSize(2);
      assertThat(remoteRows.get(0)).startsWith(bobAddress).contains("0.1024 MYST/GB");
      assertThat(remoteRows.get(1)).startsWith(address).contains("0.2048 MYST/GB");
    }

    CliHarness.Run invalid =
        cli.run(
            "provider",
            "announce",
            "--rpc",
            rpc,
            "--type",
            "wireguard",
            "--country",
            "XX",
            "--asn",
            "3320",
            "--price",
            "1",
            "--contact",
            "udp://203.0.113.1:5000");
    assertThat(invalid.exitCode()).isEqualTo(1);
    assertThat(invalid.err()).contains("country code: 'XX'");
  }

  /**
   * Bob's `mysterium node` as a process, on a port of the system's choice (read from its output).
   */
  private CliProcess bobNode(String deployment) throws Exception {
    return CliProcess.start(
        temp.resolve("bob"),
        "bob pass",
        "node",
        "--rpc",
        rpc,
        "--deployment",
        deployment,
        "--listen",
        "udp://127.0.0.1:0");
  }

  private static final java.time.Duration START = java.time.Duration.ofSeconds(120);
  private static final Pattern LISTENING =
      Pattern.compile("listening on udp://127\\.0\\.0\\.1:(\\d+)");

  @Test
  void theDemoRunsToItsSummaryAndLeavesNothingRunning() {
    CliHarness.Run demo = cli.run("demo");
    assertThat(demo.exitCode()).as(demo.err()).isZero();
    assertThat(demo.out())
        .contains("[1] Starting a local chain (anvil)...")
        .contains("Summary:")
        .contains("the cheapest of 2 offering socks5 in the country")
        .contains("fetched       2097164 bytes through the SOCKS5 proxy")
        .contains("nothing is left running");
  }

  @Test
  void aProviderThatCannotTellItsLocationIsToldToGiveIt() {
    deployWithTwoRegisteredNodes();
    echo.answer("10.0.0.7");
    CliHarness.Run run =
        cli.run(
            "provider",
            "announce",
            "--rpc",
            rpc,
            "--type",
            "socks5",
            "--geodata",
            LOCATION_DATA,
            "--public-address-service",
            echo.uri(),
            "--price",
            "1",
            "--contact",
            "tcp://203.0.113.1:443");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "cannot tell where this node serves from: 10.0.0.7 is not a public Internet address;"
                + " give --country and --asn");
  }

  @Test
  void badAmountsAreRefusedBeforeAnythingIsSent() {
    ok("chain", "deploy", "--rpc", rpc);
    CliHarness.Run negative = cli.run("wallet", "deposit", "-1", "--rpc", rpc);
    assertThat(negative.exitCode()).isNotZero();
    CliHarness.Run tooPrecise = cli.run("wallet", "deposit", "0.0000000000000000001", "--rpc", rpc);
    assertThat(tooPrecise.exitCode()).isEqualTo(1);
    assertThat(tooPrecise.err()).contains("at most 18 decimals");
  }
}
