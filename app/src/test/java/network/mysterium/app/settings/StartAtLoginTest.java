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
}
