package network.mysterium.net.lab;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end: its output, or an IOException carrying it. */
final class Shell {
  private Shell() {}

  static String run(String... command) throws IOException {
    return runWithInput(null, List.of(command));
  }

  /** {@code command} inside namespace {@code ns}. */
  static List<String> in(String ns, List<String> command) {
    List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    line.addAll(command);
    return line;
  }

  static String runWithInput(String input, List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      try (OutputStream stdin = p.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      p.destroyForcibly();
    }
  }

  /** Runs a cleanup step whose failure means the thing is already gone. */
  static void quietly(String... command) {
    try {
      run(command);
    } catch (IOException e) {
      // already gone
    }
  }
}
