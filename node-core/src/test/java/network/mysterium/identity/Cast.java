package network.mysterium.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Foundry's {@code cast}, an independent Ethereum implementation (Rust), installed by the build
 * from npm into {@code contracts/node_modules}. Tests use it to prove interop of keystores and
 * signatures.
 */
final class Cast {
  /** What a finished cast run printed. */
  record Result(int exitCode, String out, String err) {
    String line() {
      return out.strip();
    }
  }

  private final Path binary;

  private Cast(Path binary) {
    this.binary = binary;
  }

  static Cast locate() {
    String root = System.getProperty("mysterium.root.dir", "..");
    Path binary = Path.of(root, "contracts", "node_modules", ".bin", "cast").toAbsolutePath();
    assertThat(Files.isExecutable(binary))
        .as("Foundry's cast at %s (the contracts module's `npm ci` installs it)", binary)
        .isTrue();
    return new Cast(binary);
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    try {
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("cast did not finish in 60 s: " + command);
      }
      return new Result(
          process.exitValue(),
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly(); // the pid we started, never by name
    }
  }

  /** Runs cast and requires success, returning its trimmed standard output. */
  String ok(String... args) throws IOException, InterruptedException {
    Result result = run(args);
    assertThat(result.exitCode()).as("cast %s failed: %s", List.of(args), result.err()).isZero();
    return result.line();
  }
}
