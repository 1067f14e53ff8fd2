package network.mysterium.app.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each desktop's autostart entry, written where that desktop looks, with the program and its
 * arguments kept apart (a path with a space stays one argument); switching off removes it.
 */
class StartAtLoginTest {
  @TempDir Path home;

  private static final List<String> COMMAND = List.of("/home/a b/mysterium", "gui");

  @Test
  void linuxWritesAnXdgAutostartEntryQuotingOnlyWhatNeedsIt() throws Exception {
    StartAtLogin login = StartAtLogin.forSystem("Linux", Map.of(), home, COMMAND);
    assertThat(login.entry()).isEqualTo(home.resolve(".config/autostart/mysterium.desktop"));
    login.set(true);
    assertThat(login.enabled()).isTrue();
    assertThat(Files.readString(login.entry()))
        .startsWith("[Desktop Entry]\n")
        .contains("Exec=\"/home/a b/mysterium\" gui\n");
    login.set(false);
    assertThat(login.entry()).doesNotExist();
  }

  @Test
  void macOsWritesALaunchAgentWithOneStringPerArgument() throws Exception {
    StartAtLogin login = StartAtLogin.forSystem("Mac OS X", Map.of(), home, COMMAND);
    login.set(true);
    assertThat(login.entry())
        .isEqualTo(home.resolve("Library/LaunchAgents/network.mysterium.app.plist"));
    assertThat(Files.readString(login.entry()))
        .contains("<array><string>/home/a b/mysterium</string><string>gui</string></array>")
        .contains("<key>RunAtLoad</key><true/>");
  }

  @Test
  void windowsWritesACommandIntoTheStartupFolder() throws Exception {
    StartAtLogin login =
        StartAtLogin.forSystem(
            "Windows 11", Map.of("APPDATA", home.resolve("Roaming").toString()), home, COMMAND);
    login.set(true);
    assertThat(login.entry())
        .isEqualTo(
            home.resolve("Roaming/Microsoft/Windows/Start Menu/Programs/Startup/Mysterium.cmd"));
    assertThat(Files.readString(login.entry()))
        .isEqualTo("@start \"\" \"/home/a b/mysterium\" \"gui\"\r\n");
  }

  @Test
  void linuxExecCarriesEveryCharacterThroughTheDesktopEntryRules() throws Exception {
    List<String> command =
        List.of("/home/o'neil/100% \"mine\" $HOME `id` \\x/mysterium", "gui", "%f", "a\tb", "");
    StartAtLogin login = StartAtLogin.forSystem("Linux", Map.of(), home, command);
    login.set(true);
    String exec =
        Files.readString(login.entry())
            .lines()
            .filter(l -> l.startsWith("Exec="))
            .findFirst()
            .orElseThrow()
            .substring(5);
    assertThat(desktopEntryArguments(exec)).isEqualTo(command);
  }

  @Test
  void windowsCommandCarriesPercentSignsSpacesAndTrailingBackslashes() throws Exception {
    List<String> command =
        List.of("C:\\Users\\a b\\100% & $x `t`\\mysterium.exe", "gui", "D:\\dir with space\\");
    StartAtLogin login =
        StartAtLogin.forSystem(
            "Windows 11", Map.of("APPDATA", home.resolve("Roaming").toString()), home, command);
    login.set(true);
    String line = Files.readString(login.entry());
    assertThat(line).startsWith("@start \"\" ").endsWith("\r\n");
    assertThat(windowsArguments(line.substring("@start \"\" ".length(), line.length() - 2)))
        .isEqualTo(command);
  }

  /**
   * Reads an Exec value as the Desktop Entry Specification says, written apart from the code: first
   * the string escapes (\s \n \t \r \\), then arguments split at unquoted spaces, where inside
   * double quotes a backslash takes the next character ("`$\) literally; then %% is a %.
   */
  private static List<String> desktopEntryArguments(String value) {
    StringBuilder unescaped = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        char next = value.charAt(++i);
        unescaped.append(
            switch (next) {
              case 's' -> ' ';
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case '\\' -> '\\';
              default -> throw new AssertionError("not a string escape: \\" + next);
            });
      } else {
        unescaped.append(c);
      }
    }
    List<String> arguments = new java.util.ArrayList<>();
    StringBuilder current = null;
    boolean quoted = false;
    for (int i = 0; i < unescaped.length(); i++) {
      char c = unescaped.charAt(i);
      if (quoted) {
        if (c == '\\') {
          char next = unescaped.charAt(++i);
          assertThat("\"`$\\").as("escaped in quotes").contains(String.valueOf(next));
          current.append(next);
        } else if (c == '"') {
          quoted = false;
        } else {
          current.append(c);
        }
      } else if (c == ' ') {
        if (current != null) {
          arguments.add(current.toString());
          current = null;
        }
      } else {
        current = current == null ? new StringBuilder() : current;
        if (c == '"') {
          quoted = true;
        } else {
          assertThat(" \t\n\"'\\><~|&;$*?#()`")
              .as("reserved outside quotes")
              .doesNotContain("" + c);
          current.append(c);
        }
      }
    }
    assertThat(quoted).as("an unterminated quote").isFalse();
    if (current != null) {
      arguments.add(current.toString());
    }
    return arguments.stream()
        .map(
            a -> {
              assertThat(a.replace("%%", "")).as("a field code").doesNotContain("%");
              return a.replace("%%", "%");
            })
        .toList();
  }

  /**
   * What a program started from that .cmd line gets: cmd.exe turns %% into % (no variables are
   * left), then the C runtime splits the line (backslashes count only before a double quote: 2n of
   * them are n and the quote toggles quoting, 2n+1 are n and a literal quote).
   */
  private static List<String> windowsArguments(String line) {
    assertThat(line.replace("%%", "")).as("a variable cmd.exe would expand").doesNotContain("%");
    String text = line.replace("%%", "%");
    List<String> arguments = new java.util.ArrayList<>();
    StringBuilder current = null;
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        int n = 0;
        while (i < text.length() && text.charAt(i) == '\\') {
          n++;
          i++;
        }
        current = current == null ? new StringBuilder() : current;
        if (i < text.length() && text.charAt(i) == '"') {
          current.append("\\".repeat(n / 2));
          if (n % 2 == 1) {
            current.append('"');
            continue;
          }
        } else {
          current.append("\\".repeat(n));
        }
        i--;
      } else if (c == '"') {
        current = current == null ? new StringBuilder() : current;
        quoted = !quoted;
      } else if (c == ' ' && !quoted) {
        if (current != null) {
          arguments.add(current.toString());
          current = null;
        }
      } else {
        current = current == null ? new StringBuilder() : current;
        current.append(c);
      }
    }
    if (current != null) {
      arguments.add(current.toString());
    }
    return arguments;
  }
}
