package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI as a JVM of its own (the test's class path), so a test can signal it by pid and see what
 * it printed as it runs. Its output is read continuously; waits are on lines, never on time. {@link
 * #close()} kills it and everything it started, by pid.
 */
final class CliProcess implements AutoCloseable {
  private final Process process;
  private final Path out;
  private final Path err;

  private CliProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /**
   * Starts {@code mysterium --data-dir DIR ARGS} with the passphrase in the environment; its output
   * goes to files beside the data directory (read as it grows).
   */
  static CliProcess start(Path dataDir, String passphrase, String... args) throws IOException {
    List<String> command = CliHarness.processCommand(dataDir, args);
    // where the demo finds anvil (the build sets this for the test JVM itself)
    command.add(1, "-Dmysterium.root.dir=" + System.getProperty("mysterium.root.dir", ".."));
    Path logs = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-logs"));
    Path out = Files.createTempFile(logs, "out-", ".txt");
    Path err = Files.createTempFile(logs, "err-", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    if (passphrase != null) {
      builder.environment().put("MYSTERIUM_PASSPHRASE", passphrase);
    } else {
      builder.environment().remove("MYSTERIUM_PASSPHRASE"); // nothing to unlock with
    }
    return new CliProcess(builder.start(), out, err);
  }

  long pid() {
    return process.pid();
  }

  String out() {
    return read(out);
  }

  String err() {
    return read(err);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Waits until stdout has {@code text}; fails with all output if it never comes. */
  String awaitOut(String text, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!out().contains(text)) {
      if (System.nanoTime() > deadline || !process.isAlive() && !out().contains(text)) {
        assertThat(out()).as("stderr: %s", err()).contains(text);
      }
      Thread.sleep(50);
    }
    return out();
  }

  /** The first group of {@code pattern} in stdout, once a match appears. */
  String awaitMatch(Pattern pattern, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Matcher m = pattern.matcher(out());
      if (m.find()) {
        return m.group(1);
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        assertThat(out()).as("stderr: %s", err()).containsPattern(pattern);
      }
      Thread.sleep(50);
    }
  }

  /** The processes it started (anvil, ip, nft...), alive now. */
  List<ProcessHandle> descendants() {
    return process.descendants().toList();
  }

  /** SIGTERM, what systemd's stop and the shell's kill send. */
  void terminate() {
    process.destroy();
  }

  void kill() {
    process.destroyForcibly();
  }

  /** Waits for the exit; returns whether it came within the limit. */
  boolean awaitExit(Duration limit) throws InterruptedException {
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    for (ProcessHandle child : children) {
      child.destroyForcibly();
    }
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
