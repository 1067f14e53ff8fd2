package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code provider run} and {@code connect} as a user runs them, each a process of its own (so it
 * can be killed), on anvil: serving, paying, clearing, and coming back after a SIGKILL. Every wait
 * is on what a process printed; every port is the system's choice, read from that output.
 */
@ExtendWith(AnvilExtension.class)
class ProviderCliTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Pattern SOCKS_PORT =
      Pattern.compile("SOCKS5 proxy at 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path temp;

  private CliHarness consumer;
  private String consumerAddress;
  private String rpc;
  private String deployment;
  private String providerAddress;

  /** Deploys (no stake); registers a consumer with 1 MYST deposited and a provider ("bob"). */
  @BeforeEach
  void deployAndRegister(Anvil anvil) {
    rpc = anvil.rpcUrl().toString();
    consumer = new CliHarness(temp.resolve("node"));
    consumer.variables.put("MYSTERIUM_PASSPHRASE", "chain pass");
    consumerAddress = address(consumer.run("identity", "new"));
    ok(consumer, "chain", "deploy", "--rpc", rpc, "--stake", "0");
    ok(consumer, "identity", "register", "--rpc", rpc);
    ok(consumer, "wallet", "deposit", "1", "--rpc", rpc);
    deployment = temp.resolve("node/deployment.json").toString();
    CliHarness bob = new CliHarness(temp.resolve("bob"));
    bob.variables.put("MYSTERIUM_PASSPHRASE", "bob pass");
    providerAddress = address(bob.run("identity", "new"));
    ok(bob, "identity", "register", "--rpc", rpc, "--deployment", deployment);
  }

  @Test
  void aHeadlessProviderServesAConsumerThatConnectsAndCurlFetchesThroughItsProxy()
      throws Exception {
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
    try (CliProcess provider = provider()) {
      provider.awaitOut("Providing socks5", START); // announced: a consumer can find it now
      try (CliProcess connected = connect("--payment-step", "0.05")) {
        String socksPort = connected.awaitMatch(SOCKS_PORT, START);
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
        assertThat(curl.waitFor()).as(curlErr + connected.out() + provider.out()).isZero();
        assertThat(body).isEqualTo(page);

        connected.terminate(); // Ctrl-C: disconnects
        assertThat(connected.awaitExit(Duration.ofSeconds(10))).isTrue();
        assertThat(connected.out())
            .contains("Trying " + providerAddress + " (DE, 0.01 MYST per MB)")
            .contains("Connected. SOCKS5 proxy at 127.0.0.1:" + socksPort)
            .contains("Session: ")
            .contains("Disconnected.");
      }
      provider.awaitOut("Cleared 1 promise(s) of " + consumerAddress + " on chain", START);
      provider.terminate();
      assertThat(provider.awaitExit(Duration.ofSeconds(10))).isTrue();
      assertThat(provider.out())
          .contains("Providing socks5 as " + providerAddress + " from DE at 0.01 MYST per MB")
          .contains("Promise from " + consumerAddress)
          .contains("closed by the consumer")
          .contains("Provider stopped.");
    } finally {
      web.stop(0);
    }
  }

  @Test
  void aProviderKilledMidSessionClearsWhatItHeldAfterRestartAndTheLedgersAgreeWithTheChain()
      throws Exception {
    try (CliProcess first = provider()) {
      first.awaitOut("Providing socks5", START);
      try (CliProcess connected = connect("--payment-step", "0.3")) {
        first.awaitOut("Promise from " + consumerAddress, START);
        // 1 deposited, 0.3 promised here, no other provider, a cap of 1: 0.7 more accepted
        first.awaitOut(
            "Exposure of "
                + consumerAddress
                + ": 0.3 MYST held here uncleared, 0 MYST held by other providers; it can spend 1"
                + " MYST as this provider counts it, 0.7 MYST more accepted from it",
            START);
        first.kill(); // SIGKILL: no goodbye, no clearing
        assertThat(first.awaitExit(Duration.ofSeconds(10))).isTrue();
        assertThat(first.exitValue()).isEqualTo(137);
      }
    }
    // the consumer's wallet, no node running: its ledger holds 0.3 the chain shows uncleared
    assertThat(ok(consumer, "wallet", "balance", "--rpc", rpc).out())
        .contains("Uncleared:         0.3 MYST promised that providers have not cleared")
        .contains("  held by " + providerAddress + ": 0.3 MYST");
    try (CliProcess second = provider()) {
      second.awaitOut("Cleared", START);
      assertThat(second.out())
          .contains("Cleared 1 promise(s) of " + consumerAddress + " on chain: 0.3 MYST");
    }

    // the consumer's ledger, the provider's clearing and the chain agree to the base unit
    BigInteger promised;
    try (Database consumerDb = Database.open(temp.resolve("node/node.db"))) {
      promised =
          consumerDb.transaction(
              c -> {
                BigInteger sum = BigInteger.ZERO;
                try (var rows =
                    c.prepareStatement("SELECT amount FROM issued_promises").executeQuery()) {
                  while (rows.next()) {
                    sum = sum.add(new BigInteger(rows.getString(1)));
                  }
                }
                return sum;
              });
    }
    assertThat(promised).isEqualTo(Myst.parse("0.3").baseUnits());
    String cleared = ok(consumer, "wallet", "balance", "--rpc", rpc).out();
    assertThat(cleared).contains("0.7 MYST"); // 1 deposited - 0.3 cleared
    assertThat(cleared)
        .contains("Uncleared:         0 MYST")
        .doesNotContain("held by " + providerAddress);
    assertThat(ok(consumer, "wallet", "balance", providerAddress, "--rpc", rpc).out())
        .contains("0.297 MYST"); // 0.3 less the 1% fee
  }

  @Test
  void aConsumerKilledMidSessionIsChargedOnceTheProviderNoticesItsSilence() throws Exception {
    try (CliProcess provider = provider()) {
      provider.awaitOut("Providing socks5", START);
      try (CliProcess connected = connect("--payment-step", "0.2")) {
        connected.awaitOut("Connected.", START);
        provider.awaitOut("Promise from", START);
        connected.kill(); // SIGKILL: the session is never closed
        assertThat(connected.awaitExit(Duration.ofSeconds(10))).isTrue();
      }
      // the provider hears nothing for the dialogue's silence timeout, ends the session, clears
      String later = provider.awaitOut("Cleared", START);
      assertThat(later)
          .contains("dialogue closed")
          .contains("Cleared 1 promise(s) of " + consumerAddress + " on chain: 0.2 MYST");
    }
    assertThat(ok(consumer, "wallet", "balance", "--rpc", rpc).out()).contains("0.8 MYST");
  }

  @Test
  void aConsumerStopsPayingAtItsSpendingLimitLeavesAndIsChargedNoMore() throws Exception {
    com.sun.net.httpserver.HttpServer web =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    byte[] chunk = new byte[1 << 20];
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 40L << 20); // 40 MiB: 0.42 MYST at 0.01 per MB
          try (var body = exchange.getResponseBody()) {
            for (int i = 0; i < 40; i++) {
              body.write(chunk);
            }
          } catch (java.io.IOException e) {
            // the session ended under it
          }
        });
    web.start();
    try (CliProcess provider = provider()) {
      provider.awaitOut("Providing socks5", START);
      try (CliProcess connected = connect("--payment-step", "0.05", "--max-spend", "0.1")) {
        String socksPort = connected.awaitMatch(SOCKS_PORT, START);
        assertThat(connected.out()).contains("Spending limits: 0.1 MYST a session, 2 MYST");
        Process curl =
            new ProcessBuilder(
                    "curl",
                    "-sS",
                    "--max-time",
                    "60",
                    "--socks5-hostname",
                    "127.0.0.1:" + socksPort,
                    "-o",
                    "/dev/null",
                    "http://localhost:" + web.getAddress().getPort() + "/")
                .start();
        try {
          String left = connected.awaitOut("This side left the provider", START);
          assertThat(left).contains("0.1 MYST per session");
          assertThat(curl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
          assertThat(curl.exitValue()).as("the download was cut with the session").isNotZero();
        } finally {
          curl.destroyForcibly();
        }
      }
      provider.awaitOut("Cleared", START);
    } finally {
      web.stop(0);
    }
    // what the chain took from the deposit of 1 MYST: the two steps paid, never a third
    assertThat(ok(consumer, "wallet", "balance", "--rpc", rpc).out()).contains("0.9 MYST");
  }

  /**
   * Item 4 of issue 16: a consumer that leaves a provider (at its spending limit here) fails over
   * to the next one, says why, and is served there.
   */
  @Test
  void aConsumerThatLeavesAProviderFailsOverToTheNextAndSaysWhy() throws Exception {
    CliHarness carol = new CliHarness(temp.resolve("carol"));
    carol.variables.put("MYSTERIUM_PASSPHRASE", "carol pass");
    String carolAddress = address(carol.run("identity", "new"));
    ok(carol, "identity", "register", "--rpc", rpc, "--deployment", deployment);
    com.sun.net.httpserver.HttpServer web =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    byte[] chunk = new byte[1 << 20];
    web.createContext(
        "/big",
        exchange -> {
          exchange.sendResponseHeaders(200, 40L << 20); // 0.42 MYST at 0.01 per MB
          try (var body = exchange.getResponseBody()) {
            for (int i = 0; i < 40; i++) {
              body.write(chunk);
            }
          } catch (java.io.IOException e) {
            // the session ended under it
          }
        });
    web.createContext(
        "/small",
        exchange -> {
          exchange.sendResponseHeaders(200, 5);
          try (var body = exchange.getResponseBody()) {
            body.write("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          }
        });
    web.start();
    try (CliProcess first = provider("bob", "bob pass");
        CliProcess second = provider("carol", "carol pass")) {
      first.awaitOut("Providing socks5", START);
      second.awaitOut("Providing socks5", START);
      try (CliProcess connected = connect("--payment-step", "0.05", "--max-spend", "0.1")) {
        String socksPort = connected.awaitMatch(SOCKS_PORT, START);
        Process curl =
            curl(socksPort, "http://localhost:" + web.getAddress().getPort() + "/big", "/dev/null");
        try {
          String out = connected.awaitOut("trying the next provider", START);
          assertThat(out).contains("This side left the provider").contains("0.1 MYST per session");
          Matcher left = Pattern.compile("Paying (0x[0-9a-fA-F]{40}) no more").matcher(out);
          assertThat(left.find()).isTrue();
          assertThat(List.of(providerAddress.toLowerCase(), carolAddress.toLowerCase()))
              .contains(left.group(1).toLowerCase());
          assertThat(curl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
          curl.destroyForcibly();
        }
        // the next provider's session: a proxy of its own, and a page through it
        Pattern again = Pattern.compile("trying the next provider[\\s\\S]*" + SOCKS_PORT.pattern());
        String nextPort = connected.awaitMatch(again, START);
        Process page =
            curl(nextPort, "http://localhost:" + web.getAddress().getPort() + "/small", null);
        try {
          assertThat(page.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
          assertThat(page.exitValue()).isZero();
          assertThat(new String(page.getInputStream().readAllBytes())).isEqualTo("hello");
        } finally {
          page.destroyForcibly();
        }
        connected.terminate();
        assertThat(connected.awaitExit(Duration.ofSeconds(10))).isTrue();
        assertThat(connected.out()).contains("Disconnected.");
      }
    } finally {
      web.stop(0);
    }
  }

  /** curl through a SOCKS5 port; the body to {@code output} (a file, or a pipe when null). */
  /**
   * {@code mysterium relay} relays for registered identities; {@code provider run --relay} says how
   * it is reached and announces the relay's allocation (its loopback contact left out), where the
   * consumer's dialogue goes.
   */
  @Test
  void aProviderRegisteredWithARelayIsReachedThroughItsAllocation() throws Exception {
    CliHarness relayer = new CliHarness(temp.resolve("relayer"));
    relayer.variables.put("MYSTERIUM_PASSPHRASE", "relay pass");
    address(relayer.run("identity", "new"));
    int port;
    try (java.net.DatagramSocket free = new java.net.DatagramSocket(0)) {
      port = free.getLocalPort();
    }
    try (CliProcess relay =
        CliProcess.start(
            temp.resolve("relayer"),
            "relay pass",
            "relay",
            "--rpc",
            rpc,
            "--deployment",
            deployment,
            "--public",
            "127.0.0.1",
            "--port",
            Integer.toString(port))) {
      relay.awaitOut("Relaying as", START);
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(providerArgs()));
      args.addAll(java.util.List.of("--relay", "127.0.0.1:" + port));
      try (CliProcess provider =
          CliProcess.start(temp.resolve("bob"), "bob pass", args.toArray(String[]::new))) {
        provider.awaitOut("Reachability: PUBLIC: relay /127.0.0.1:" + port, START);
        String reachedAt =
            provider.awaitMatch(Pattern.compile("reachable at (udp://\\S+) \\("), START);
        assertThat(reachedAt)
            .startsWith("udp://127.0.0.1:")
            .isNotEqualTo("udp://127.0.0.1:" + port);
        try (CliProcess connected = connect("--payment-step", "0.05")) {
          connected.awaitMatch(SOCKS_PORT, START);
          provider.awaitOut("Promise from " + consumerAddress, START);
          connected.terminate();
          assertThat(connected.awaitExit(Duration.ofSeconds(10))).isTrue();
        }
        provider.awaitOut("Cleared 1 promise(s) of " + consumerAddress + " on chain", START);
      }
      relay.terminate();
      assertThat(relay.awaitExit(Duration.ofSeconds(10))).isTrue();
      assertThat(relay.out()).contains("Relay stopped");
    }
  }

  private static Process curl(String socksPort, String url, String output)
      throws java.io.IOException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "curl", "-sS", "--max-time", "60", "--socks5-hostname", "127.0.0.1:" + socksPort));
    if (output != null) {
      command.addAll(List.of("-o", output));
    }
    command.add(url);
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** A SOCKS5 provider: DE, 0.01 MYST per MB, on loopback ports of the system's choice. */
  private CliProcess provider() throws Exception {
    return provider("bob", "bob pass");
  }

  private CliProcess provider(String who, String passphrase) throws Exception {
    return CliProcess.start(temp.resolve(who), passphrase, providerArgs());
  }

  private String[] providerArgs() {
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
      "udp://127.0.0.1:0",
      "--exit-port",
      "0",
      "--advertise",
      "127.0.0.1",
      "--exposure-cap",
      "1",
      "--allow-private-targets"
    };
  }

  private CliProcess connect(String... more) throws Exception {
    String[] args = {
      "connect",
      "--rpc",
      rpc,
      "--country",
      "DE",
      "--listen",
      "udp://127.0.0.1:0",
      "--socks-port",
      "0"
    };
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return CliProcess.start(temp.resolve("node"), "chain pass", all);
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
