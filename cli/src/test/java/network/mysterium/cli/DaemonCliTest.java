package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * {@code mysterium daemon} as a service manager and another program see it: where the API is on its
 * first line, the socket and token files closed to other users, the API answering curl, one node
 * per data directory, and a clean stop on SIGTERM that leaves no socket behind.
 */
@ExtendWith(AnvilExtension.class)
class DaemonCliTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

  @TempDir Path temp;
  private CliHarness cli;
  private Path node;
  private String rpc;
  private String address;

  @BeforeEach
  void deployAndRegister(Anvil anvil) {
    rpc = anvil.rpcUrl().toString();
    node = temp.resolve("node");
    cli = new CliHarness(node);
    cli.variables.put("MYSTERIUM_PASSPHRASE", "daemon pass");
    Matcher created = ADDRESS.matcher(cli.run("identity", "new").out());
    assertThat(created.find()).isTrue();
    address = created.group();
    assertThat(cli.run("chain", "deploy", "--rpc", rpc, "--stake", "0").exitCode()).isZero();
    assertThat(cli.run("identity", "register", "--rpc", rpc).exitCode()).isZero();
  }

  @Test
  void theDaemonSaysWhereItsApiIsServesItToCurlAndStopsOnSigterm() throws Exception {
    try (CliProcess daemon =
        CliProcess.start(
            node,
            "daemon pass",
            "daemon",
            "--rpc",
            rpc,
            "--listen",
            "udp://127.0.0.1:0",
            "--tcp")) {
      daemon.awaitOut("running", START);
      String[] lines = daemon.out().split("\n");
      Path socket = node.resolve("api.sock").toAbsolutePath();
      assertThat(lines[0]).isEqualTo("API: unix:" + socket);
      Matcher tcp = Pattern.compile("^API: http://127\\.0\\.0\\.1:(\\d+)$").matcher(lines[1]);
      assertThat(tcp.matches()).as(lines[1]).isTrue();

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
          .isEqualTo("rw-rw----");
      Path token = node.resolve("api.token");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
          .isEqualTo("rw-------");

      assertThat(curl("--unix-socket", socket.toString(), "http://localhost/identity"))
          .containsIgnoringCase(address);
      String base = "http://127.0.0.1:" + tcp.group(1);
      assertThat(curl(base + "/identity")).contains("\"UNAUTHORIZED\"");
      String bearer = "Authorization: Bearer " + Files.readString(token).strip();
      assertThat(curl("-H", bearer, base + "/identity")).containsIgnoringCase(address);
      assertThat(curl("-H", bearer, "-H", "Origin: https://example.com", base + "/identity"))
          .contains("\"FORBIDDEN_ORIGIN\"");

      // a second node on the same data directory is refused: the daemon holds it
      CliHarness.Run second = cli.run("daemon", "--rpc", rpc, "--run-for", "1");
      assertThat(second.exitCode()).isNotZero();
      assertThat(second.err()).contains("another node runs on").contains("api.sock");

      daemon.terminate();
      assertThat(daemon.awaitExit(Duration.ofSeconds(15))).as(daemon.err()).isTrue();
      // the JVM's status after a SIGTERM whose hooks ran (128 + 15); systemd counts it a clean stop
      assertThat(daemon.exitValue()).as(daemon.err()).isEqualTo(143);
      assertThat(daemon.out()).contains("Stopped");
      assertThat(socket).doesNotExist();
      assertThat(token).doesNotExist();
    }
  }

  @Test
  void aLockedDaemonServesTheKeystoreUntilAProgramUnlocksAnIdentity() throws Exception {
    try (CliProcess daemon =
        CliProcess.start(
            node, null, "daemon", "--rpc", rpc, "--listen", "udp://127.0.0.1:0", "--locked")) {
      daemon.awaitOut("No identity unlocked", START);
      String socket = node.resolve("api.sock").toAbsolutePath().toString();
      assertThat(curl("--unix-socket", socket, "http://localhost/connection"))
          .contains("\"LOCKED\"");
      assertThat(curl("--unix-socket", socket, "http://localhost/identities"))
          .containsIgnoringCase(address);
      // the passphrase goes in a 0600 file, never on a command line
      Path body =
          Files.createFile(
              temp.resolve("unlock.json"),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(body, "{\"passphrase\": \"daemon pass\"}");
      String unlocked =
          curl(
              "--unix-socket",
              socket,
              "-H",
              "Content-Type: application/json",
              "--data-binary",
              "@" + body,
              "http://localhost/identities/" + address + "/unlock");
      assertThat(unlocked).containsIgnoringCase(address).doesNotContain("daemon pass");
      assertThat(curl("--unix-socket", socket, "http://localhost/identity"))
          .containsIgnoringCase(address);
      daemon.terminate();
      assertThat(daemon.awaitExit(Duration.ofSeconds(15))).as(daemon.err()).isTrue();
      assertThat(daemon.exitValue()).as(daemon.err()).isEqualTo(143);
    }
  }

  /** curl's output: the body (an error body too), never the exit code. */
  private static String curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
    command.addAll(List.of(args));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    curl.waitFor();
    return out;
  }
}
