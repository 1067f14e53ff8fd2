package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coming back works after SIGKILLs (issue 16, D1): `connect` to the same provider again and again,
 * the provider clearing after each session, with the provider process and a consumer process killed
 * (SIGKILL) in between; no connect ever sees a refusal, and the chain agrees with both ledgers to
 * the base unit.
 */
@ExtendWith(AnvilExtension.class)
class RepeatConnectCliTest {
  private static final Myst STEP = Myst.parse("0.05");
  private static final Myst DEPOSIT = Myst.parse("2");

  @TempDir Path temp;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killAll() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void connectsAgainAndAgainWhileProviderAndConsumerAreKilledAndTheChainAgreesWithBothLedgers(
      Anvil anvil) throws Exception {
    String rpc = anvil.rpcUrl().toString();
    CliHarness alice = harness("node", "alice pass");
    String aliceAddress = newIdentity(alice);
    ok(alice, "chain", "deploy", "--rpc", rpc, "--stake", "0");
    ok(alice, "identity", "register", "--rpc", rpc);
    ok(alice, "wallet", "deposit", "2", "--rpc", rpc);
    String deployment = temp.resolve("node/deployment.json").toString();
    CliHarness bob = harness("bob", "bob pass");
    String bobAddress = newIdentity(bob);
    ok(bob, "identity", "register", "--rpc", rpc, "--deployment", deployment);
    int dialoguePort = freePort(true);
    int exitPort = freePort(false);
    Lines provider = startProvider(rpc, deployment, dialoguePort, exitPort);

    int sessions = 0;
    for (int i = 1; i <= 6; i++) {
      if (i == 3) {
        // a consumer killed mid-session: its next connect replaces the dialogue it left behind
        Lines consumer =
            new Lines(process("node", "alice pass", connectArgs(rpc, "0").toArray(String[]::new)));
        consumer.await("Connected.");
        provider.await("Promise from");
        consumer.process.destroyForcibly();
        assertThat(consumer.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        sessions++;
        continue;
      }
      CliHarness.Run run = alice.run(connectArgs(rpc, "1").toArray(String[]::new));
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("Connected.").doesNotContain("failed:");
      sessions++;
      provider.await("Cleared");
      if (i == 2 || i == 5) {
        provider.process.destroyForcibly(); // SIGKILL: whatever it was doing is cut off
        assertThat(provider.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        provider = startProvider(rpc, deployment, dialoguePort, exitPort);
      }
    }
    provider.process.destroyForcibly();
    provider.process.waitFor(10, TimeUnit.SECONDS);
    // a last provider start clears anything a kill left held, and is then stopped cleanly
    provider = startProvider(rpc, deployment, dialoguePort, exitPort);
    provider.process.destroy();
    assertThat(provider.process.waitFor(40, TimeUnit.SECONDS)).isTrue();

    BigInteger promised = sum(temp.resolve("node/node.db"), "SELECT amount FROM issued_promises");
    BigInteger cleared =
        sum(
            temp.resolve("bob/node.db"),
            "SELECT amount FROM received_promises WHERE state = 'CLEARED'");
    assertThat(promised).isEqualTo(STEP.baseUnits().multiply(BigInteger.valueOf(sessions)));
    assertThat(cleared).isEqualTo(promised);
    try (EthereumClient client = EthereumClient.connect(anvil.rpcUrl())) {
      PaymentsContract payments =
          new PaymentsContract(client, Deployment.read(Path.of(deployment)).payments());
      assertThat(payments.balanceOf(aliceAddress))
          .isEqualTo(DEPOSIT.baseUnits().subtract(promised));
      assertThat(payments.balanceOf(bobAddress))
          .isEqualTo(promised.subtract(promised.divide(BigInteger.valueOf(100))));
    }
  }

  private List<String> connectArgs(String rpc, String runFor) {
    return List.of(
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
        "0.05",
        "--run-for",
        runFor);
  }

  private Lines startProvider(String rpc, String deployment, int dialoguePort, int exitPort)
      throws Exception {
    Lines provider =
        new Lines(
            process(
                "bob",
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
                "udp://127.0.0.1:" + dialoguePort,
                "--exit-port",
                Integer.toString(exitPort),
                "--advertise",
                "127.0.0.1",
                "--exposure-cap",
                "1",
                "--allow-private-targets"));
    provider.await("Providing socks5");
    return provider;
  }

  private CliHarness harness(String dir, String passphrase) {
    CliHarness cli = new CliHarness(temp.resolve(dir));
    cli.variables.put("MYSTERIUM_PASSPHRASE", passphrase);
    return cli;
  }

  private static String newIdentity(CliHarness cli) {
    Matcher m = Pattern.compile("0x[0-9a-fA-F]{40}").matcher(cli.run("identity", "new").out());
    assertThat(m.find()).isTrue();
    return m.group();
  }

  private static void ok(CliHarness cli, String... args) {
    CliHarness.Run run = cli.run(args);
    assertThat(run.exitCode()).as("%s: %s", String.join(" ", args), run.err()).isZero();
  }

  private Process process(String dataDir, String passphrase, String... args) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(CliHarness.processCommand(temp.resolve(dataDir), args))
            .redirectErrorStream(true);
    builder.environment().put("MYSTERIUM_PASSPHRASE", passphrase);
    Process p = builder.start();
    processes.add(p);
    return p;
  }

  private static BigInteger sum(Path db, String query) throws Exception {
    try (Database database = Database.open(db)) {
      return database.transaction(
          c -> {
            BigInteger total = BigInteger.ZERO;
            try (var rows = c.prepareStatement(query).executeQuery()) {
              while (rows.next()) {
                total = total.add(new BigInteger(rows.getString(1)));
              }
            }
            return total;
          });
    }
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

  /** A process's output, line by line, read on a thread of its own; awaited by content. */
  private static final class Lines {
    final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Lines(Process process) {
      this.process = process;
      Thread.ofVirtual()
          .start(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    lines.add(line);
                  }
                } catch (java.io.IOException e) {
                  // the process is gone
                }
              });
    }

    /** The next line containing {@code text} (lines before it are passed over). */
    String await(String text) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line != null && line.contains(text)) {
          return line;
        }
      }
      throw new AssertionError("no line with '" + text + "' within 90 s");
    }
  }
}
