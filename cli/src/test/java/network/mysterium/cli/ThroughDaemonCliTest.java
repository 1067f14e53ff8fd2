package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The CLI's commands on a data directory a daemon holds: they act through its API (no second node,
 * which would be refused), as the daemon's own answers to curl show; without a daemon, status says
 * so. A real daemon, a real provider process and a page fetched through the proxy.
 */
@ExtendWith(AnvilExtension.class)
class ThroughDaemonCliTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Pattern SOCKS_PORT =
      Pattern.compile("SOCKS5 proxy at 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path temp;
  private CliHarness consumer;
  private Path node;
  private String consumerAddress;
  private String rpc;
  private String deployment;
  private String providerAddress;

  @BeforeEach
  void deployAndRegister(Anvil anvil) {
    rpc = anvil.rpcUrl().toString();
    node = temp.resolve("node");
    consumer = new CliHarness(node);
    consumer.variables.put("MYSTERIUM_PASSPHRASE", "chain pass");
    consumerAddress = address(consumer.run("identity", "new"));
    ok(consumer, "chain", "deploy", "--rpc", rpc, "--stake", "0");
    ok(consumer, "identity", "register", "--rpc", rpc);
    ok(consumer, "wallet", "deposit", "1", "--rpc", rpc);
    deployment = node.resolve("deployment.json").toString();
    CliHarness bob = new CliHarness(temp.resolve("bob"));
    bob.variables.put("MYSTERIUM_PASSPHRASE", "bob pass");
    providerAddress = address(bob.run("identity", "new"));
    ok(bob, "identity", "register", "--rpc", rpc, "--deployment", deployment);
  }

  @Test
  void connectSearchStatusAndBalanceGoThroughTheDaemonAndSigtermDisconnects() throws Exception {
    com.sun.net.httpserver.HttpServer web =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    byte[] page = "paid page\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    web.start();
    Path socket = node.resolve("api.sock").toAbsolutePath();
    try (CliProcess daemon =
            CliProcess.start(
                node, "chain pass", "daemon", "--rpc", rpc, "--listen", "udp://127.0.0.1:0");
        CliProcess provider = provider()) {
      daemon.awaitOut("running", START);
      CliHarness.Run idle = ok(consumer, "status");
      assertThat(idle.out())
          .contains("Daemon: API at unix:" + socket)
          .containsIgnoringCase(consumerAddress)
          .contains("Connection: DISCONNECTED");

      // the daemon's own identity, from its node
      assertThat(ok(consumer, "wallet", "balance").out())
          .containsIgnoringCase(consumerAddress)
          .contains("Payments account:  1 MYST");

      provider.awaitOut("Providing socks5", START);
      // the daemon's index follows the chain: search until it lists the announcement
      String found = awaitSearch(providerAddress);
      assertThat(found).contains("socks5").contains("DE").contains("10.24 MYST/GB");

      // what the daemon chooses itself is refused, by name
      CliHarness.Run refused = consumer.run("connect", "--country", "DE", "--socks-port", "5555");
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).contains("--socks-port does not apply through the daemon");

      try (CliProcess connected =
          CliProcess.start(
              node, "chain pass", "connect", "--country", "DE", "--payment-step", "0.05")) {
        String socksPort = connected.awaitMatch(SOCKS_PORT, START);
        assertThat(curl("--unix-socket", socket.toString(), "http://localhost/connection"))
            .contains("\"state\":\"CONNECTED\"")
            .containsIgnoringCase(providerAddress);
        byte[] body =
            curlBytes(
                "--socks5-hostname",
                "127.0.0.1:" + socksPort,
                "http://localhost:" + web.getAddress().getPort() + "/");
        assertThat(body).isEqualTo(page);
        connected.awaitOut("Session: ", START); // a metering line from the daemon's events
        // the daemon's wallet: the one step paid in advance, held by the provider uncleared
        assertThat(ok(consumer, "wallet", "balance").out())
            .contains("Uncleared:         0.05 MYST promised that providers have not cleared")
            .containsIgnoringCase("  held by " + providerAddress + ": 0.05 MYST");

        // a second connect meets the daemon's connection: refused by the API's code
        CliHarness.Run second = consumer.run("connect", "--country", "DE");
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.err()).contains("the daemon is connected already");

        CliHarness.Run busy = ok(consumer, "status");
        assertThat(busy.out())
            .contains("Connection: CONNECTED")
            .containsIgnoringCase(providerAddress)
            .contains("SOCKS5 proxy at 127.0.0.1:" + socksPort)
            .containsPattern("Session \\S+: ");

        connected.terminate(); // SIGTERM: the daemon disconnects
        assertThat(connected.awaitExit(Duration.ofSeconds(15))).as(connected.err()).isTrue();
        // the JVM's status for SIGTERM (143), as connect's in-process: no error of its own
        assertThat(connected.exitValue()).as(connected.out() + connected.err()).isIn(0, 143);
        assertThat(connected.err()).doesNotContain("Error:");
        assertThat(connected.out())
            .contains("Through the daemon on " + socket)
            .contains("Trying " + providerAddress + " (DE, 0.01 MYST per MB)")
            .contains("Connected. SOCKS5 proxy at 127.0.0.1:" + socksPort)
            .contains("Disconnected.");
      }
      assertThat(curl("--unix-socket", socket.toString(), "http://localhost/connection"))
          .contains("\"state\":\"DISCONNECTED\"");
      // the end of --run-for disconnects the daemon too, and connect exits 0
      CliHarness.Run timed = consumer.run("connect", "--country", "DE", "--run-for", "2");
      assertThat(timed.exitCode()).as(timed.err()).isZero();
      assertThat(timed.out()).contains("Connected. SOCKS5 proxy at").contains("Disconnected.");
      assertThat(curl("--unix-socket", socket.toString(), "http://localhost/connection"))
          .contains("\"state\":\"DISCONNECTED\"");
      assertThat(daemon.err()).doesNotContain("DATA_DIR_IN_USE");

      daemon.terminate();
      assertThat(daemon.awaitExit(Duration.ofSeconds(15))).as(daemon.err()).isTrue();
    } finally {
      web.stop(0);
    }
    CliHarness.Run none = consumer.run("status");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.out()).contains("No daemon runs on " + node.toAbsolutePath());
  }

  /** Runs search until its table lists {@code provider}; fails with its last output if never. */
  private String awaitSearch(String provider) throws InterruptedException {
    long deadline = System.nanoTime() + START.toNanos();
    while (true) {
      CliHarness.Run run = ok(consumer, "search", "--type", "socks5");
      if (run.out().toLowerCase(java.util.Locale.ROOT).contains(provider.toLowerCase())) {
        return run.out();
      }
      assertThat(System.nanoTime())
          .as("search never listed %s: %s", provider, run.out())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private CliProcess provider() throws Exception {
    return CliProcess.start(
        temp.resolve("bob"),
        "bob pass",
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
        "udp://127.0.0.1:0",
        "--exit-port",
        "0",
        "--advertise",
        "127.0.0.1",
        "--exposure-cap",
        "1",
        "--allow-private-targets");
  }

  private static String curl(String... args) throws Exception {
    return new String(curlBytes(args), StandardCharsets.UTF_8);
  }

  /** curl's output: the body (an error body too), never the exit code. */
  private static byte[] curlBytes(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
    command.addAll(List.of(args));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = curl.getInputStream().readAllBytes();
    curl.waitFor();
    return out;
  }

  private static String address(CliHarness.Run created) {
    Matcher matcher = Pattern.compile("0x[0-9a-fA-F]{40}").matcher(created.out());
    assertThat(matcher.find()).isTrue();
    return matcher.group();
  }

  private static CliHarness.Run ok(CliHarness cli, String... args) {
    CliHarness.Run run = cli.run(args);
    assertThat(run.exitCode()).as("%s: %s", String.join(" ", args), run.err()).isZero();
    return run;
  }
}
