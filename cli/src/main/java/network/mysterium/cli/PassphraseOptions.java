package network.mysterium.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a command takes a passphrase from, in this order: a file, an environment variable, the
 * terminal. Never from the command line itself, where other users see it in the process list.
 */
public final class PassphraseOptions {
  public static final String DEFAULT_VARIABLE = "MYSTERIUM_PASSPHRASE";

  @Option(names = "--passphrase-file", paramLabel = "FILE", descriptionKey = "passphrase-file")
  private Path file;

  @Option(
      names = "--passphrase-env",
      paramLabel = "NAME",
      defaultValue = DEFAULT_VARIABLE,
      descriptionKey = "passphrase-env")
  private String variable;

  /** The passphrase to open an existing key. */
  public char[] read(CliEnvironment environment, String prompt) {
    return fromFileOrVariable(environment).orElseGet(() -> ask(environment, prompt));
  }

  /** A passphrase for a new key: asked twice on a terminal; never empty. */
  public char[] readNew(CliEnvironment environment) {
    Optional<char[]> given = fromFileOrVariable(environment);
    char[] passphrase;
    if (given.isPresent()) {
      passphrase = given.get();
    } else {
      passphrase = ask(environment, environment.messages().get("passphrase.prompt-new"));
      char[] repeat = ask(environment, environment.messages().get("passphrase.prompt-repeat"));
      boolean same = Arrays.equals(passphrase, repeat);
      Arrays.fill(repeat, '\0');
      if (!same) {
        Arrays.fill(passphrase, '\0');
        throw new UserError("error.passphrase-mismatch");
      }
    }
    if (passphrase.length == 0) {
      throw new UserError("error.passphrase-empty");
    }
    return passphrase;
  }

  private Optional<char[]> fromFileOrVariable(CliEnvironment environment) {
    if (file != null) {
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return Optional.of(lines.isEmpty() ? new char[0] : lines.getFirst().toCharArray());
      } catch (IOException e) {
        throw new UserError("error.passphrase-file", file);
      }
    }
    String value = environment.variables().get(variable);
    return Optional.ofNullable(value).map(String::toCharArray);
  }

  private char[] ask(CliEnvironment environment, String prompt) {
    return environment
        .terminal()
        .readSecret(prompt)
        .orElseThrow(() -> new UserError("error.passphrase-unavailable", DEFAULT_VARIABLE));
  }
}
