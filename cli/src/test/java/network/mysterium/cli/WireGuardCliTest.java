package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code connect --type wireguard} as a user runs it, against {@code provider run --type
 * wireguard}, each in a network namespace of its own, with a third namespace as "the internet" (an
 * HTTP server that tells who it sees, a DNS server that logs who asks) routing between them. Anvil
 * runs here, reached from the namespaces through the internet namespace. An nftables counter in the
 * internet namespace counts every packet from the consumer that is not for the provider: while
 * connected, and after the provider is killed, it must stay at zero.
 */
class WireGuardCliTest {
  private final String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
  private final int net = 200 + new SecureRandom().nextInt(50);
  private final String consumerNs = "mys-c-" + suffix;
  private final String providerNs = "mys-p-" + suffix;
  private final String internetNs = "mys-i-" + suffix;
  private final String consumerIp = "10." + net + ".1.2";
  private final String providerIp = "10." + net + ".2.2";
  private final String rootIp = "10." + net + ".3.2";
  // The web host and the chain are where a user's are, on addresses that are not private (here
  // from the documentation ranges, routed only between these namespaces), so the provider runs
  // with its refusal of private targets on; a private target is tried and must be refused.
  private final String webIp = "203.0.113." + net;
  private final String chainIp = "198.51.100." + net;
  private final List<Process> processes = new ArrayList<>();
  @TempDir Path temp;
  private Anvil anvil;

  @BeforeEach
  void network() throws Exception {
    for (String ns : List.of(consumerNs, providerNs, internetNs)) {
      run("ip", "netns", "add", ns);
      run("ip", "-n", ns, "link", "set", "lo", "up");
    }
    link(consumerNs, "mvc" + suffix, consumerIp, "10." + net + ".1.1");
    link(providerNs, "mvp" + suffix, providerIp, "10." + net + ".2.1");
    link(null, "mvr" + suffix, rootIp, "10." + net + ".3.1");
    run("ip", "netns", "exec", internetNs, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    run("ip", "-n", internetNs, "addr", "add", webIp + "/32", "dev", "lo");
    run("ip", "route", "add", "10." + net + ".0.0/16", "via", "10." + net + ".3.1");
    run("ip", "addr", "add", chainIp + "/32", "dev", "mvr" + suffix); // goes with the link
    run("ip", "-n", internetNs, "route", "add", chainIp + "/32", "via", rootIp);
    // what `ip netns exec` shows each namespace as /etc/resolv.conf: the internet's DNS
    for (String[] ns : new String[][] {{consumerNs, ".1.1"}, {providerNs, ".2.1"}}) {
      Path dir = Path.of("/etc/netns", ns[0]);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("resolv.conf"), "nameserver 10." + net + ns[1] + "\n");
    }
    run(
        "ip",
        "netns",
        "exec",
        internetNs,
        "nft",
        "add table inet leakcheck; add chain inet leakcheck forward { type filter hook forward"
            + " priority 0; }; add chain inet leakcheck input { type filter hook input priority 0;"
            + " }; add rule inet leakcheck forward ip saddr "
            + consumerIp
            + " ip daddr != "
            + providerIp
            + " counter; add rule inet leakcheck input ip saddr "
            + consumerIp
            + " counter");
    anvil = Anvil.startOn(chainIp, AnvilExtension.binary(), Anvil.DEFAULT_CHAIN_ID);
  }

  /** A veth pair from {@code ns} (null: this namespace) to the internet namespace. */
  private void link(String ns, String name, String address, String gateway) throws Exception {
    run("ip", "link", "add", name, "type", "veth", "peer", "name", name + "i");
    run("ip", "link", "set", name + "i", "netns", internetNs);
    run("ip", "-n", internetNs, "addr", "add", gateway + "/24", "dev", name + "i");
    run("ip", "-n", internetNs, "link", "set", name + "i", "up");
    if (ns != null) {
      run("ip", "link", "set", name, "netns", ns);
      run("ip", "-n", ns, "addr", "add", address + "/24", "dev", name);
      run("ip", "-n", ns, "link", "set", name, "up");
      run("ip", "-n", ns, "route", "add", "default", "via", gateway);
    } else {
      run("ip", "addr", "add", address + "/24", "dev", name);
      run("ip", "link", "set", name, "up");
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (anvil != null) {
      anvil.close();
    }
    runQuietly("ip", "route", "del", "10." + net + ".0.0/16");
    for (String iface : List.of("mwp" + suffix, "mwc" + suffix)) { // a SIGKILLed node's socket
      Files.deleteIfExists(Path.of("/var/run/wireguard", iface + ".sock"));
    }
    runQuietly("ip", "link", "del", "mvr" + suffix);
    for (String ns : List.of(consumerNs, providerNs, internetNs)) {
      runQuietly("ip", "netns", "del", ns);
      Path conf = Path.of("/etc/netns", ns, "resolv.conf");
      Files.deleteIfExists(conf);
      Files.deleteIfExists(conf.getParent());
    }
  }

  private Spawned internet;
  private Spawned providing;
  private Spawned connecting;

  /** The chain, the internet host, a wireguard provider, and a consumer connected to it. */
  private void connected() throws Exception {
    String rpc = anvil.rpcUrl().toString();
    CliHarness consumer = identity("consumer", "consumer pass");
    CliHarness provider = identity("provider", "provider pass");
    ok(consumer, "chain", "deploy", "--rpc", rpc, "--stake", "0");
    String deployment = temp.resolve("consumer/deployment.json").toString();
    ok(consumer, "identity", "register", "--rpc", rpc);
    ok(consumer, "wallet", "deposit", "1", "--rpc", rpc);
    ok(provider, "identity", "register", "--rpc", rpc, "--deployment", deployment);

    internet =
        spawn(
            internetNs,
            List.of(
                javaCommand(),
                "-cp",
                System.getProperty("java.class.path"),
                InternetHost.class.getName(),
                "8080",
                webIp),
            null);
    internet.await("READY");

    providing =
        spawnCli(
            providerNs,
            "provider",
            "provider pass",
            "provider",
            "run",
            "--rpc",
            rpc,
            "--deployment",
            deployment,
            "--type",
            "wireguard",
            "--price",
            "0.01",
            "--country",
            "DE",
            "--asn",
            "3320",
            "--listen",
            "udp://" + providerIp + ":5000",
            "--advertise",
            providerIp,
            "--interface",
            "mwp" + suffix,
            "--exposure-cap",
            "1");
    providing.await("Providing wireguard");

    connecting =
        spawnCli(
            consumerNs,
            "consumer",
            "consumer pass",
            "connect",
            "--rpc",
            rpc,
            "--deployment",
            deployment,
            "--type",
            "wireguard",
            "--country",
            "DE",
            "--interface",
            "mwc" + suffix);
    connecting.await("Connected.");
    assertThat(connecting.output()).contains("IP tunnel mwc" + suffix).contains("kill switch on");
  }

  @Test
  void theConsumersTrafficAndDnsLeaveThroughTheProviderAndNothingLeaksAfterTheProviderDies()
      throws Exception {
    connected();
    long leaksBefore = leakCount();

    // a page, by name: the name is resolved and the page fetched from the provider's side
    String page = curl("http://web.test:8080/", 10);
    assertThat(page.strip())
        .as(
            "internet:\n%s\nprovider:\n%s\nconsumer:\n%s\nconsumer's rules:\n%s",
            internet.output(),
            providing.output(),
            connecting.output(),
            output("ip", "netns", "exec", consumerNs, "nft", "list", "ruleset"))
        .isEqualTo("you are " + providerIp);
    assertThat(page.strip()).isEqualTo("you are " + providerIp);
    assertThat(internet.output())
        .contains("DNS web.test from " + providerIp)
        .doesNotContain("from " + consumerIp);
    assertThat(leakCount())
        .as("packets from the consumer outside the tunnel")
        .isEqualTo(leaksBefore);
    // a private address behind the provider (the internet host's, on the provider's link) goes
    // into the tunnel and is dropped there: the provider refuses private targets
    long served = internet.output().lines().filter(l -> l.startsWith("HTTP from")).count();
    assertThat(curlWorks("http://10." + net + ".2.1:8080/", 3))
        .as("a private target through the tunnel")
        .isFalse();
    assertThat(internet.output().lines().filter(l -> l.startsWith("HTTP from")).count())
        .as("requests the internet host served")
        .isEqualTo(served);
    assertThat(curl("http://web.test:8080/", 10).strip())
        .as("the tunnel still works")
        .isEqualTo("you are " + providerIp);
    // the stock wg reads both ends through their UAPI sockets
    assertThat(run("ip", "netns", "exec", consumerNs, "wg", "show", "mwc" + suffix))
        .contains("endpoint: " + providerIp + ":51820")
        .contains("allowed ips: 0.0.0.0/0")
        .contains("latest handshake")
        .contains("transfer:");
    assertThat(run("ip", "netns", "exec", providerNs, "wg", "show", "mwp" + suffix))
        .contains("allowed ips: 10.182.0.2/32")
        .contains("latest handshake");
    // the provider meters the tunnel's bytes
    providing.await("Promise from");

    // the provider dies: nothing may leave the consumer outside the tunnel
    Process dead = providing.process;
    dead.destroyForcibly(); // SIGKILL, by the pid we started
    dead.waitFor(10, TimeUnit.SECONDS);
    assertThat(curlWorks("http://" + webIp + ":8080/", 3))
        .as("a fetch with the provider gone")
        .isFalse();
    runQuietly("ip", "netns", "exec", consumerNs, "ping", "-c", "2", "-W", "1", webIp);
    curlWorks("http://web.test:8080/", 3);
    assertThat(leakCount())
        .as("packets from the consumer outside the tunnel")
        .isEqualTo(leaksBefore);

    // the user disconnects (SIGTERM runs the same shutdown hook as Ctrl-C, and unlike SIGINT it
    // is not ignored in a background job): the kill switch, routes and device go
    run("kill", "-TERM", Long.toString(connecting.process.pid()));
    assertThat(connecting.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    connecting.await("Disconnected.");
    assertThat(run("ip", "netns", "exec", consumerNs, "nft", "list", "tables"))
        .doesNotContain("mysterium");
    assertThat(runQuietly("ip", "-n", consumerNs, "link", "show", "mwc" + suffix)).isFalse();
    assertThat(run("ip", "-n", consumerNs, "route"))
        .doesNotContain("0.0.0.0/1")
        .doesNotContain("128.0.0.0/1");
    String direct = curlOrFail("http://" + webIp + ":8080/", 10);
    assertThat(direct.strip()).isEqualTo("you are " + consumerIp);
  }

  @Test
  void aConsumerThatCrashesLeavesTheKillSwitchOnUntilDisconnectRemovesIt() throws Exception {
    connected();
    connecting.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
    connecting.process.waitFor(10, TimeUnit.SECONDS);
    long leaksBefore = leakCount();
    assertThat(curlWorks("http://" + webIp + ":8080/", 3)).as("a fetch after the crash").isFalse();
    assertThat(leakCount()).isEqualTo(leaksBefore);

    String disconnected =
        run(
            cliCommand(
                    List.of("ip", "netns", "exec", consumerNs),
                    "consumer",
                    "disconnect",
                    "--interface",
                    "mwc" + suffix)
                .toArray(String[]::new));
    assertThat(disconnected).contains("Removed the kill switch of mwc" + suffix);
    assertThat(run("ip", "netns", "exec", consumerNs, "nft", "list", "tables"))
        .doesNotContain("mysterium");
    assertThat(curlOrFail("http://" + webIp + ":8080/", 10).strip())
        .isEqualTo("you are " + consumerIp);
  }

  @Test
  void withoutTheRightToOpenATunnelConnectSaysSoAndSuggestsSocks5() throws Exception {
    String rpc = anvil.rpcUrl().toString();
    CliHarness consumer = identity("consumer", "consumer pass");
    ok(consumer, "chain", "deploy", "--rpc", rpc, "--stake", "0");
    // root without CAP_NET_ADMIN, as an ordinary user would be
    Spawned connecting =
        spawn(
            consumerNs,
            cliCommand(
                List.of("setpriv", "--bounding-set", "-net_admin", "--inh-caps", "-net_admin"),
                "consumer",
                "connect",
                "--rpc",
                rpc,
                "--type",
                "wireguard",
                "--interface",
                "mwc" + suffix),
            "consumer pass");
    assertThat(connecting.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(connecting.process.exitValue()).isEqualTo(1);
    assertThat(connecting.output())
        .contains("needs root (or CAP_NET_ADMIN)")
        .contains("--type socks5");
  }

  /** The sum of the leak counters' packets in the internet namespace. */
  private long leakCount() throws Exception {
    Matcher m =
        Pattern.compile("counter packets (\\d+)")
            .matcher(
                run(
                    "ip",
                    "netns",
                    "exec",
                    internetNs,
                    "nft",
                    "list",
                    "table",
                    "inet",
                    "leakcheck"));
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  private CliHarness identity(String dir, String passphrase) {
    CliHarness cli = new CliHarness(temp.resolve(dir));
    cli.variables.put("MYSTERIUM_PASSPHRASE", passphrase);
    ok(cli, "identity", "new");
    return cli;
  }

  private static CliHarness.Run ok(CliHarness cli, String... args) {
    CliHarness.Run run = cli.run(args);
    assertThat(run.exitCode()).as("%s: %s", String.join(" ", args), run.err()).isZero();
    return run;
  }

  private static String javaCommand() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private List<String> cliCommand(List<String> prefix, String dataDir, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(CliHarness.processCommand(temp.resolve(dataDir), args));
    return command;
  }

  private Spawned spawnCli(String ns, String dataDir, String passphrase, String... args)
      throws IOException {
    return spawn(ns, cliCommand(List.of(), dataDir, args), passphrase);
  }

  /** A process in a namespace, its output collected as it comes. */
  private Spawned spawn(String ns, List<String> command, String passphrase) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
    if (passphrase != null) {
      builder.environment().put("MYSTERIUM_PASSPHRASE", passphrase);
    }
    Process process = builder.start();
    processes.add(process);
    return new Spawned(process);
  }

  private static final class Spawned {
    final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    Spawned(Process process) {
      this.process = process;
      this.reader =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try (BufferedReader lines =
                        new BufferedReader(
                            new InputStreamReader(
                                process.getInputStream(), StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = lines.readLine()) != null) {
                        output.append(line).append('\n');
                      }
                    } catch (IOException e) {
                      // the process ended
                    }
                  });
    }

    String output() {
      return output.toString();
    }

    void await(String text) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!output().contains(text)) {
        if (!process.isAlive()) {
          reader.join(5000); // what it printed last
          if (output().contains(text)) {
            return;
          }
        }
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError("no \"" + text + "\" in:\n" + output());
        }
        Thread.sleep(50);
      }
    }
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  /** What curl in the consumer's namespace printed (the page, or its error). */
  private String curl(String url, int seconds) throws Exception {
    return output(curlCommand(url, seconds));
  }

  /** The page curl in the consumer's namespace fetched; fails the test when it could not. */
  private String curlOrFail(String url, int seconds) throws Exception {
    return run(curlCommand(url, seconds));
  }

  private boolean curlWorks(String url, int seconds) {
    return runQuietly(curlCommand(url, seconds));
  }

  private String[] curlCommand(String url, int seconds) {
    return new String[] {
      "ip", "netns", "exec", consumerNs, "curl", "-sS", "--max-time", Integer.toString(seconds), url
    };
  }

  /** What a command printed, whether it succeeded or not. */
  private static String output(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static boolean runQuietly(String... command) {
    try {
      run(command);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
