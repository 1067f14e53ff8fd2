package network.mysterium.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.i18n.Messages;
import network.mysterium.identity.KdfParams;

/**
 * Runs the real CLI commands in-process against a data directory of the test's, with the
 * environment variables and terminal answers the test gives.
 */
final class CliHarness {
  /** One finished invocation. */
  record Run(int exitCode, String out, String err) {}

  final Path dataDir;
  final Map<String, String> variables = new HashMap<>();
  final Deque<String> terminalAnswers = new ArrayDeque<>();
  final List<String> prompts = new ArrayList<>();
  boolean hasTerminal = true;

  CliHarness(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** The CLI as a JVM of its own (the test's class path and JDK) on a data directory. */
  static List<String> processCommand(Path dataDir, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                "network.mysterium.cli.Main",
                "--data-dir",
                dataDir.toString()));
    command.addAll(List.of(args));
    return command;
  }

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Terminal terminal =
        prompt -> {
          prompts.add(prompt);
          if (!hasTerminal) {
            return Optional.empty();
          }
          return Optional.of(terminalAnswers.removeFirst().toCharArray());
        };
    CliEnvironment environment =
        new CliEnvironment(
            Map.copyOf(variables),
            terminal,
            new PrintWriter(out),
            new PrintWriter(err),
            Messages.forLocale(Locale.ENGLISH),
            new DataDirectory(dataDir),
            KdfParams.LIGHT,
            new SecureRandom(),
            Clock.systemUTC());
    int code = Cli.run(environment, args);
    return new Run(code, out.toString(), err.toString());
  }
}
