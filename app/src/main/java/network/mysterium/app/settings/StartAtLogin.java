package network.mysterium.app.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Starting the app when the user logs in, the way each desktop expects: an XDG autostart entry on
 * Linux, a LaunchAgent on macOS, a command in the Startup folder on Windows. Only the user's own
 * files are touched; no privilege is needed.
 */
public final class StartAtLogin {
  private final Path entry;
  private final String content;

  private StartAtLogin(Path entry, String content) {
    this.entry = entry;
    this.content = content;
  }

  /**
   * @param command the program that starts the app (the installed launcher, when installed) and its
   *     arguments
   */
  public static StartAtLogin forSystem(
      String osName, Map<String, String> env, Path home, List<String> command) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.contains("mac")) {
      return new StartAtLogin(
          home.resolve("Library/LaunchAgents/network.mysterium.app.plist"),
          """
          <?xml version="1.0" encoding="UTF-8"?>
          <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" \
          "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
          <plist version="1.0">
          <dict>
            <key>Label</key><string>network.mysterium.app</string>
            <key>ProgramArguments</key><array>%s</array>
            <key>RunAtLoad</key><true/>
          </dict>
          </plist>
          """
              .formatted(
                  command.stream()
                      .map(a -> "<string>" + xml(a) + "</string>")
                      .collect(Collectors.joining())));
    }
    if (os.contains("win")) {
      Path appData =
          env.containsKey("APPDATA")
              ? Path.of(env.get("APPDATA"))
              : home.resolve("AppData/Roaming");
      return new StartAtLogin(
          appData.resolve("Microsoft/Windows/Start Menu/Programs/Startup/Mysterium.cmd"),
          "@start \"\" "
              + command.stream().map(StartAtLogin::cmdArgument).collect(Collectors.joining(" "))
              + "\r\n");
    }
    Path config =
        env.containsKey("XDG_CONFIG_HOME") && !env.get("XDG_CONFIG_HOME").isBlank()
            ? Path.of(env.get("XDG_CONFIG_HOME"))
            : home.resolve(".config");
    return new StartAtLogin(
        config.resolve("autostart/mysterium.desktop"),
        """
        [Desktop Entry]
        Type=Application
        Name=Mysterium VPN
        Exec=%s
        X-GNOME-Autostart-enabled=true
        """
            .formatted(
                desktopString(
                    command.stream()
                        .map(StartAtLogin::execArgument)
                        .collect(Collectors.joining(" ")))));
  }

  /** For this user on this system, starting the installed launcher (or the source checkout's). */
  public static StartAtLogin forCurrentUser() {
    String installed = System.getProperty("jpackage.app-path");
    List<String> command =
        installed != null
            ? List.of(installed)
            : List.of(
                Path.of(System.getProperty("mysterium.root.dir", "."))
                    .toAbsolutePath()
                    .resolve("mysterium")
                    .normalize()
                    .toString(),
                "gui");
    return forSystem(
        System.getProperty("os.name"),
        System.getenv(),
        Path.of(System.getProperty("user.home")),
        command);
  }

  public Path entry() {
    return entry;
  }

  public boolean enabled() {
    return Files.exists(entry);
  }

  public void set(boolean on) throws IOException {
    if (on) {
      Files.createDirectories(entry.getParent());
      Files.writeString(entry, content, StandardCharsets.UTF_8);
    } else {
      Files.deleteIfExists(entry);
    }
  }

  // Desktop Entry Specification, "The Exec key": a literal % is %%; an argument with a reserved
  // character is double-quoted, and within the quotes ", `, $ and \ take a backslash.
  private static final String EXEC_RESERVED = " \t\n\"'\\><~|&;$*?#()`";

  static String execArgument(String argument) {
    String escaped = argument.replace("%", "%%");
    boolean quote =
        escaped.isEmpty() || escaped.chars().anyMatch(c -> EXEC_RESERVED.indexOf(c) >= 0);
    if (!quote) {
      return escaped;
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : escaped.toCharArray()) {
      if (c == '"' || c == '`' || c == '$' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"').toString();
  }

  // The value is then a string of the Desktop Entry format, whose own escapes come first when read:
  // so a backslash of the quoting is written \\, and a line break cannot end the value.
  static String desktopString(String value) {
    return value
        .replace("\\", "\\\\")
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r");
  }

  // A .cmd line: inside double quotes cmd.exe still expands %VAR% (so a literal % is %%); the
  // program then splits its command line by the C runtime's rules, where backslashes before a
  // double quote are doubled. A double quote itself cannot be carried (nor is it in a Windows
  // path).
  static String cmdArgument(String argument) {
    if (argument.indexOf('"') >= 0 || argument.indexOf('\n') >= 0 || argument.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("not representable in a .cmd line: " + argument);
    }
    int trailing = 0;
    while (trailing < argument.length()
        && argument.charAt(argument.length() - 1 - trailing) == '\\') {
      trailing++;
    }
    return "\"" + argument.replace("%", "%%") + "\\".repeat(trailing) + "\"";
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
