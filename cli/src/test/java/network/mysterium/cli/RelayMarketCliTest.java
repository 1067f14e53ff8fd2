package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Relays as a market service (whitepaper 6.6), as a user runs them on anvil: {@code relay --price}
 * announces its control address in the market, {@code provider run --relay market} finds it there,
 * registers with it and is reached through its allocation; with none announced the provider says so
 * and stops. Every wait is on what a process printed.
 */
@ExtendWith(AnvilExtension.class)
class RelayMarketCliTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Pattern SOCKS_PORT =
      Pattern.compile("SOCKS5 proxy at 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path temp;

  private CliHarness consumer;
  private String consumerAddress;
  private String rpc;
  private String deployment;

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
    address(bob.run("identity", "new"));
    ok(bob, "identity", "register", "--rpc", rpc, "--deployment", deployment);
  }

  @Test
  void aRelayAnnouncedInTheMarketIsFoundByAProviderThatIsReachedThroughItsAllocation()
      throws Exception {
    CliHarness relayer = new CliHarness(temp.resolve("relayer"));
    relayer.variables.put("MYSTERIUM_PASSPHRASE", "relay pass");
    String relayerAddress = address(relayer.run("identity", "new"));
    ok(relayer, "identity", "register", "--rpc", rpc, "--deployment", deployment);
    int port = freeUdpPort();
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
            Integer.toString(port),
            "--price",
            "0.001",
            "--country",
            "NL",
            "--asn",
            "1136")) {
      relay.awaitOut(
          "Announced in the market: relay at udp://127.0.0.1:" + port + ", 0.001 MYST per MB",
          START);
      // any node's index lists it, as any other proposal
      CliHarness.Run listed = ok(consumer, "search", "--rpc", rpc, "--type", "relay");
      assertThat(listed.out().toLowerCase(java.util.Locale.ROOT))
          .containsPattern(
              Pattern.quote(relayerAddress.toLowerCase(java.util.Locale.ROOT))
                  + " +relay .*udp://127\\.0\\.0\\.1:"
                  + port);

      List<String> args = new ArrayList<>(List.of(providerArgs()));
      args.addAll(List.of("--relay", "market"));
      try (CliProcess provider =
          CliProcess.start(temp.resolve("bob"), "bob pass", args.toArray(String[]::new))) {
        String picked =
            provider.awaitMatch(
                Pattern.compile("Relay from the market: (\\S+) \\(announced by (0x\\w+),"), START);
        assertThat(picked).isEqualTo("127.0.0.1:" + port);
        assertThat(provider.out()).containsIgnoringCase("announced by " + relayerAddress);
        provider.awaitOut("Reachability: PUBLIC: relay /127.0.0.1:" + port, START);
        // the relay's allocation only (loopback left out): the consumer's dialogue goes there
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
      }
      relay.terminate();
      assertThat(relay.awaitExit(Duration.ofSeconds(10))).isTrue();
      assertThat(relay.out()).contains("Relay stopped");
    }
  }

  @Test
  void aProviderAskingForMarketRelaysWhereNoneIsAnnouncedSaysSoAndStops() {
    CliHarness bob = new CliHarness(temp.resolve("bob"));
    bob.variables.put("MYSTERIUM_PASSPHRASE", "bob pass");
    List<String> args = new ArrayList<>(List.of(providerArgs()));
    args.addAll(List.of("--relay", "market"));
    CliHarness.Run refused = bob.run(args.toArray(String[]::new));
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("Error: No relay is announced in the market on this chain.")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(refused.out()).doesNotContain("Providing");
  }

  @Test
  void aRelayWithAPriceNeedsARegisteredIdentity() {
    CliHarness stranger = new CliHarness(temp.resolve("stranger"));
    stranger.variables.put("MYSTERIUM_PASSPHRASE", "stranger pass");
    String strangerAddress = address(stranger.run("identity", "new"));
    CliHarness.Run refused =
        stranger.run(
            "relay",
            "--rpc",
            rpc,
            "--deployment",
            deployment,
            "--public",
            "127.0.0.1",
            "--port",
            "0",
            "--price",
            "0.001",
            "--country",
            "NL",
            "--asn",
            "1136");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .containsIgnoringCase("Error: " + strangerAddress + " is not registered on this chain")
        .doesNotContain("Exception");
    assertThat(refused.out()).doesNotContain("Announced");
  }

  private static int freeUdpPort() throws java.net.SocketException {
    try (java.net.DatagramSocket free = new java.net.DatagramSocket(0)) {
      return free.getLocalPort();
    }
  }

  /** A SOCKS5 provider: DE, 0.01 MYST per MB, on loopback ports of the system's choice. */
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
    List<String> args =
        new ArrayList<>(
            List.of(
                "connect",
                "--rpc",
                rpc,
                "--country",
                "DE",
                "--listen",
                "udp://127.0.0.1:0",
                "--socks-port",
                "0"));
    args.addAll(List.of(more));
    return CliProcess.start(temp.resolve("node"), "chain pass", args.toArray(String[]::new));
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
