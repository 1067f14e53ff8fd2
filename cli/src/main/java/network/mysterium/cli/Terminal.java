package network.mysterium.cli;

import java.io.Console;
import java.util.Optional;

/** Where the CLI asks for secrets: the controlling terminal, with echo off. */
public interface Terminal {
  /** Reads a secret after showing the prompt; empty when there is no terminal to ask on. */
  Optional<char[]> readSecret(String prompt);

  /** The process's console, if it has one. */
  static Terminal system() {
    return prompt -> {
      Console console = System.console();
      if (console == null) {
        return Optional.empty();
      }
      return Optional.ofNullable(console.readPassword("%s", prompt));
    };
  }
}
