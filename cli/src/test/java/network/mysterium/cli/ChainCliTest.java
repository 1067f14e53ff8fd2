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
  void deployRegisterDepositBalanceWithdraw() throws Exception {
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
    ok("wallet", "withdraw", "5", "--to", dead, "--rpc", rpc);

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

    int port = freePort(true);
    java.util.concurrent.CompletableFuture<CliHarness.Run> bobNode = bobNode(deployment, port, 6);
    Thread.sleep(2000);
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

    CliHarness.Run bobRun = bobNode.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(bobRun.exitCode()).as(bobRun.err()).isZero();
    assertThat(bobRun.out())
        .contains("Node " + bobAddress + " listening on udp://127.0.0.1:" + port)
        .contains("Message from " + address + ": hello bob")
        .contains("Message from " + address + ": second message")
        .contains("closed: closed by the peer: the node stopped");
    assertThat(bobRun.out().indexOf("hello bob"))
        .isLessThan(bobRun.out().indexOf("second message"));
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
    int port = freePort(true);
    java.util.concurrent.CompletableFuture<CliHarness.Run> bobNode = bobNode(deployment, port, 5);
    Thread.sleep(2000);
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
    assertThat(bobNode.get(30, java.util.concurrent.TimeUnit.SECONDS).exitCode()).isZero();

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

  /** Bob's `mysterium node` on its own thread (the common pool may have just one). */
  private java.util.concurrent.CompletableFuture<CliHarness.Run> bobNode(
      String deployment, int port, int seconds) {
    return java.util.concurrent.CompletableFuture.supplyAsync(
        () ->
            bob.run(
                "node",
                "--rpc",
                rpc,
                "--deployment",
                deployment,
                "--listen",
                "udp://127.0.0.1:" + port,
                "--run-for",
                Integer.toString(seconds)),
        task -> Thread.ofPlatform().daemon().start(task));
  }

  private static int freePort(boolean udp) throws java.io.IOException {
    if (udp) {
      try (java.net.DatagramSocket s =
          new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    }
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aHeadlessProviderServesAConsumerThatConnectsAndCurlFetchesThroughItsProxy()
      throws Exception {
    String deployment = deployWithTwoRegisteredNodes();
    ok("wallet", "deposit", "1", "--rpc", rpc);
    com.sun.net.httpserver.HttpServer web =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    byte[] page = "paid page\n".repeat(10_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    web.start();
    // one thread per command: the common pool may have a single thread on a small machine
    java.util.concurrent.ExecutorService background =
        java.util.concurrent.Executors.newCachedThreadPool();
    try {
      int dialoguePort = freePort(true);
      int exitPort = freePort(false);
      int socksPort = freePort(false);
      java.util.concurrent.CompletableFuture<CliHarness.Run> provider =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () ->
                  bob.run(
                      concat(
                          providerRunArgs(deployment, dialoguePort, exitPort), "--run-for", "20")),
              background);
      Thread.sleep(5000); // announced and followed
      java.util.concurrent.CompletableFuture<CliHarness.Run> consumer =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () ->
                  cli.run(
                      "connect",
                      "--rpc",
                      rpc,
                      "--country",
                      "DE",
                      "--listen",
                      "udp://127.0.0.1:0",
                      "--socks-port",
                      Integer.toString(socksPort),
                      "--run-for",
                      "6"),
              background);
      Thread.sleep(3000);
      Process curl =
          new ProcessBuilder(
                  "curl",
                  "-sS",
                  "--max-time",
                  "10",
                  "--socks5-hostname",
                  "127.0.0.1:" + socksPort,
                  "http://localhost:" + web.getAddress().getPort() + "/")
              .start();
      byte[] body = curl.getInputStream().readAllBytes();
      String curlErr = new String(curl.getErrorStream().readAllBytes());
      int curlExit = curl.waitFor();
      CliHarness.Run connected = consumer.get(60, java.util.concurrent.TimeUnit.SECONDS);
      CliHarness.Run provided = provider.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(curlExit)
          .as(curlErr + connected.out() + connected.err() + provided.out() + provided.err())
          .isZero();
      assertThat(body).isEqualTo(page);
      assertThat(connected.exitCode()).as(connected.err()).isZero();
      assertThat(connected.out())
          .contains("Trying " + bobAddress + " (DE, 0.01 MYST per MB)")
          .contains("Connected. SOCKS5 proxy at 127.0.0.1:" + socksPort)
          .contains("Session: ")
          .contains("Disconnected.");
      assertThat(provided.exitCode()).as(provided.err()).isZero();
      assertThat(provided.out())
          .contains("Providing socks5 as " + bobAddress + " from DE at 0.01 MYST per MB")
          .contains("Promise from " + address)
          .contains("closed by the consumer")
          .contains("Cleared 1 promise(s) of " + address + " on chain")
          .contains("Provider stopped.");
    } finally {
      background.shutdownNow();
      web.stop(0);
    }
  }

  /** A provider in a JVM of its own, so the test can SIGKILL it. */
  private Process providerProcess(String deployment, int dialoguePort, int exitPort)
      throws java.io.IOException {
    return cliProcess("bob", "bob pass", providerRunArgs(deployment, dialoguePort, exitPort));
  }

  /** A SOCKS5 provider for the tests: DE, 0.01 MYST per MB, on loopback, serving loopback. */
  private String[] providerRunArgs(String deployment, int dialoguePort, int exitPort) {
    return new String[] {
      "provider",
      "run",
      "--rpc",
      rpc,
      "--deployment",
      deployment,
      "--price",
      "0.01",
      "--country",
      "DE",
      "--asn",
      "3320",
      "--listen",
      "udp://127.0.0.1:" + dialoguePort,
      "--exit-port",
      Integer.toString(exitPort),
      "--advertise",
      "127.0.0.1",
      "--exposure-cap",
      "1",
      "--allow-private-targets"
    };
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  /** The CLI in a JVM of its own (the test's class path), on a data directory of the test's. */
  private Process cliProcess(String dataDir, String passphrase, String... args)
      throws java.io.IOException {
    List<String> command = CliHarness.processCommand(temp.resolve(dataDir), args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("MYSTERIUM_PASSPHRASE", passphrase);
    return builder.start();
  }

  /** Reads the process's output until a line contains {@code text}; returns all read so far. */
  private static String awaitLine(Process process, StringBuilder seen, String text)
      throws Exception {
    java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    java.util.concurrent.Future<String> found =
        java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()
            .submit(
                () -> {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    seen.append(line).append('\n');
                    if (line.contains(text)) {
                      return seen.toString();
                    }
                  }
                  return seen.toString();
                });
    return found.get(60, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void aProviderKilledMidSessionClearsWhatItHeldAfterRestartAndTheLedgersAgreeWithTheChain()
      throws Exception {
    String deployment = deployWithTwoRegisteredNodes();
    ok("wallet", "deposit", "1", "--rpc", rpc);
    int dialoguePort = freePort(true);
    int exitPort = freePort(false);
    Process first = providerProcess(deployment, dialoguePort, exitPort);
    Process second = null;
    java.util.concurrent.ExecutorService background =
        java.util.concurrent.Executors.newCachedThreadPool();
    try {
      StringBuilder firstOut = new StringBuilder();
      assertThat(awaitLine(first, firstOut, "Providing socks5")).contains("Providing socks5");
      java.util.concurrent.Future<CliHarness.Run> consumer =
          background.submit(
              () ->
                  cli.run(
                      "connect",
                      "--rpc",
                      rpc,
                      "--country",
                      "DE",
                      "--listen",
                      "udp://127.0.0.1:0",
                      "--socks-port",
                      "0",
                      "--payment-step",
                      "0.3",
                      "--run-for",
                      "5"));
      assertThat(awaitLine(first, firstOut, "Promise from")).contains("Promise from " + address);
      first.destroyForcibly(); // SIGKILL: no goodbye, no clearing
      assertThat(first.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).isEqualTo(137);
      consumer.get(90, java.util.concurrent.TimeUnit.SECONDS);

      second = providerProcess(deployment, dialoguePort, exitPort);
      StringBuilder secondOut = new StringBuilder();
      String restarted = awaitLine(second, secondOut, "Cleared");
      assertThat(restarted).contains("Cleared 1 promise(s) of " + address + " on chain: 0.3 MYST");

      // the consumer's ledger, the provider's clearing and the chain agree to the base unit
      java.math.BigInteger promised = java.math.BigInteger.ZERO;
      try (network.mysterium.store.Database consumerDb =
          network.mysterium.store.Database.open(temp.resolve("node/node.db"))) {
        promised =
            consumerDb.transaction(
                c -> {
                  java.math.BigInteger sum = java.math.BigInteger.ZERO;
                  try (var rows =
                      c.prepareStatement("SELECT amount FROM issued_promises").executeQuery()) {
                    while (rows.next()) {
                      sum = sum.add(new java.math.BigInteger(rows.getString(1)));
                    }
                  }
                  return sum;
                });
      }
      assertThat(promised).isEqualTo(network.mysterium.money.Myst.parse("0.3").baseUnits());
      CliHarness.Run balances = ok("wallet", "balance", "--rpc", rpc);
      assertThat(balances.out()).contains("0.7 MYST"); // 1 deposited - 0.3 cleared
      CliHarness.Run bobBalance =
          bob.run("wallet", "balance", "--rpc", rpc, "--deployment", deployment);
      assertThat(bobBalance.out()).contains("0.297 MYST"); // 0.3 less the 1% fee
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroyForcibly();
        second.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      background.shutdownNow();
    }
  }

  @Test
  void aConsumerKilledMidSessionIsChargedOnceTheProviderNoticesItsSilence() throws Exception {
    String deployment = deployWithTwoRegisteredNodes();
    ok("wallet", "deposit", "1", "--rpc", rpc);
    int dialoguePort = freePort(true);
    int exitPort = freePort(false);
    Process provider = providerProcess(deployment, dialoguePort, exitPort);
    Process consumer = null;
    try {
      StringBuilder providerOut = new StringBuilder();
      awaitLine(provider, providerOut, "Providing socks5");
      consumer =
          cliProcess(
              "node",
              "chain pass",
              "connect",
              "--rpc",
              rpc,
              "--country",
              "DE",
              "--listen",
              "udp://127.0.0.1:0",
              "--socks-port",
              "0",
              "--payment-step",
              "0.2");
      StringBuilder consumerOut = new StringBuilder();
      assertThat(awaitLine(consumer, consumerOut, "Connected.")).contains("Connected.");
      awaitLine(provider, providerOut, "Promise from");
      consumer.destroyForcibly(); // SIGKILL: the session is never closed
      assertThat(consumer.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // the provider hears nothing for the dialogue's silence timeout, ends the session, clears
      String later = awaitLine(provider, providerOut, "Cleared");
      assertThat(later)
          .contains("dialogue closed")
          .contains("Cleared 1 promise(s) of " + address + " on chain: 0.2 MYST");
      assertThat(ok("wallet", "balance", "--rpc", rpc).out()).contains("0.8 MYST");
    } finally {
      provider.destroyForcibly();
      provider.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      if (consumer != null) {
        consumer.destroyForcibly();
      }
    }
  }

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
