package network.mysterium.service.wireguard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system tools the tunnel tests use (ip, wg, ping, nft), failing with their output. */
final class Shell {
  private Shell() {}

  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  static boolean runQuietly(String... command) {
    try {
      run(command);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
