package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clean stops: SIGTERM (what systemd and kill send; Ctrl-C runs the same hook) to a node process
 * stops everything it started within 10 s, also with a silent peer and an unreachable chain, and a
 * normal disconnect logs no warning. Real processes, signalled by pid.
 */
@ExtendWith(AnvilExtension.class)
class StopCliTest {
  private static final Duration STOP = Duration.ofSeconds(10);
  private static final Duration START = Duration.ofSeconds(120);

  @TempDir Path temp;
  private final java.util.Map<CliHarness, String> addresses = new java.util.HashMap<>();

  @Test
  void providerAndConsumersStopWithinTenSecondsAlsoWithASilentPeerAndAnUnreachableChain(Anvil anvil)
      throws Exception {
    String rpc = anvil.rpcUrl().toString();
    CliHarness consumer = identity("consumer", "consumer pass");
    CliHarness provider = identity("provider", "provider pass");
    ok(consumer, "chain", "deploy", "--rpc", rpc, "--stake", "0");
    String deployment = temp.resolve("consumer/deployment.json").toString();
    ok(consumer, "identity", "register", "--rpc", rpc);
    ok(consumer, "wallet", "deposit", "1", "--rpc", rpc);
    ok(provider, "identity", "register", "--rpc", rpc, "--deployment", deployment);
    // one consumer identity per connect: coming back to a provider is another helper's matter
    for (String other : List.of("consumer2", "consumer3", "consumer4")) {
      CliHarness more = identity(other, "consumer pass");
      ok(more, "identity", "register", "--rpc", rpc, "--deployment", deployment);
      ok(consumer, "wallet", "deposit", "1", "--for", addresses.get(more), "--rpc", rpc);
    }

    try (BlackholeRpc chain = new BlackholeRpc(anvil.rpcUrl());
        CliProcess providing =
            CliProcess.start(
                temp.resolve("provider"),
                "provider pass",
                "provider",
                "run",
                "--rpc",
                chain.url(),
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
                "--allow-private-targets")) {
      providing.awaitOut("Providing socks5", START);

      // a normal disconnect: the end of --run-for
      try (CliProcess connected = connect("consumer", rpc, deployment, "--run-for", "2")) {
        assertThat(connected.awaitExit(START)).isTrue();
        assertThat(connected.exitValue()).as(connected.err()).isZero();
        assertThat(connected.out()).contains("Connected.").contains("Disconnected.");
        assertThat(connected.err()).doesNotContain("WARN");
      }

      // SIGTERM (or Ctrl-C) while connected: the same disconnect, as quickly
      try (CliProcess connected = connect("consumer2", rpc, deployment)) {
        connected.awaitOut("Connected.", START);
        connected.terminate();
        assertThat(connected.awaitExit(STOP)).as("exited within 10 s").isTrue();
        assertThat(connected.out()).contains("Disconnected.");
        assertThat(connected.err()).doesNotContain("WARN");
      }

      // a consumer that goes silent mid-session (SIGKILL: no goodbye), and then the chain
      try (CliProcess silent = connect("consumer3", rpc, deployment)) {
        silent.awaitOut("Connected.", START);
        silent.kill();
        assertThat(silent.awaitExit(STOP)).isTrue();
      }
      // a consumer whose chain stops answering while it is connected: SIGTERM still stops it
      try (CliProcess cut = connect("consumer4", chain.url(), deployment)) {
        cut.awaitOut("Connected.", START);
        chain.silence();
        cut.terminate();
        assertThat(cut.awaitExit(STOP))
            .as("the consumer exited within 10 s: %s %s", cut.out(), cut.err())
            .isTrue();
        assertThat(cut.out()).contains("Disconnected.");
      }
      providing.terminate();
      long start = System.nanoTime();
      assertThat(providing.awaitExit(STOP))
          .as("the provider exited within 10 s: %s %s", providing.out(), providing.err())
          .isTrue();
      assertThat(providing.out()).contains("Provider stopped.");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(STOP);
    }
  }

  @Test
  void theKeptDemoNetworkStopsOnSigtermWithItsChain() throws Exception {
    try (CliProcess demo =
        CliProcess.start(temp.resolve("demo"), "unused", "demo", "--keep-running")) {
      demo.awaitOut("Ctrl-C here stops the network", Duration.ofSeconds(240));
      List<ProcessHandle> started = demo.descendants();
      assertThat(started)
          .as("anvil runs as the demo's child")
          .anySatisfy(p -> assertThat(p.info().command().orElse("")).contains("anvil"));

      demo.terminate();
      long signalled = System.nanoTime();
      assertThat(demo.awaitExit(STOP)).as("exited within 10 s: %s", demo.err()).isTrue();
      long millis = (System.nanoTime() - signalled) / 1_000_000;
      assertThat(started).noneMatch(ProcessHandle::isAlive);
      assertThat(demo.out())
          .as("after %d ms: %s", millis, demo.err())
          .contains("nothing is left running");
    }
  }

  @Test
  void aNodeStopsWithinTenSecondsWhileTheChainDoesNotAnswer(Anvil anvil) throws Exception {
    String rpc = anvil.rpcUrl().toString();
    CliHarness node = identity("node", "node pass");
    ok(node, "chain", "deploy", "--rpc", rpc, "--stake", "0");
    ok(node, "identity", "register", "--rpc", rpc);
    try (BlackholeRpc chain = new BlackholeRpc(anvil.rpcUrl());
        CliProcess running =
            CliProcess.start(
                temp.resolve("node"),
                "node pass",
                "node",
                "--rpc",
                chain.url(),
                "--listen",
                "udp://127.0.0.1:0")) {
      running.awaitOut("listening on udp://", START);
      chain.silence();
      running.terminate();
      assertThat(running.awaitExit(STOP)).as("exited within 10 s: %s", running.err()).isTrue();
    }
  }

  private CliProcess connect(String dir, String rpc, String deployment, String... more)
      throws Exception {
    String[] args = {
      "connect",
      "--rpc",
      rpc,
      "--deployment",
      deployment,
      "--country",
      "DE",
      "--listen",
      "udp://127.0.0.1:0",
      "--socks-port",
      "0",
      "--payment-step",
      "0.05"
    };
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return CliProcess.start(temp.resolve(dir), "consumer pass", all);
  }

  private CliHarness identity(String dir, String passphrase) {
    CliHarness cli = new CliHarness(temp.resolve(dir));
    cli.variables.put("MYSTERIUM_PASSPHRASE", passphrase);
    Matcher address =
        Pattern.compile("0x[0-9a-fA-F]{40}").matcher(cli.run("identity", "new").out());
    assertThat(address.find()).isTrue();
    addresses.put(cli, address.group());
    return cli;
  }

  private static void ok(CliHarness cli, String... args) {
    CliHarness.Run run = cli.run(args);
    assertThat(run.exitCode()).as("%s: %s", String.join(" ", args), run.err()).isZero();
  }
}
