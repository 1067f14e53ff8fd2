package network.mysterium.datadir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;

/**
 * Where a node keeps its files: keystore, database, configuration. One directory per node, so
 * several nodes (a demo's provider and consumer) can run on one machine.
 */
public record DataDirectory(Path root) {
  public DataDirectory {
    root = root.toAbsolutePath().normalize();
  }

  /**
   * The per-user default, by OS convention: {@code $XDG_DATA_HOME/mysterium} (else {@code
   * ~/.local/share/mysterium}) on Linux and other Unixes, {@code ~/Library/Application
   * Support/Mysterium} on macOS, {@code %APPDATA%\Mysterium} on Windows.
   */
  public static DataDirectory defaultFor(String osName, Map<String, String> env, Path home) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      String appData = env.get("APPDATA");
      Path base =
          appData != null && !appData.isBlank()
              ? Path.of(appData)
              : home.resolve("AppData").resolve("Roaming");
      return new DataDirectory(base.resolve("Mysterium"));
    }
    if (os.startsWith("mac")) {
      return new DataDirectory(
          home.resolve("Library").resolve("Application Support").resolve("Mysterium"));
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path base =
        xdg != null && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : home.resolve(".local").resolve("share");
    return new DataDirectory(base.resolve("mysterium"));
  }

  /** The default for the running JVM's user. */
  public static DataDirectory defaultForCurrentUser() {
    return defaultFor(
        System.getProperty("os.name"), System.getenv(), Path.of(System.getProperty("user.home")));
  }

  public Path keystore() {
    return root.resolve("keystore");
  }

  /** Holds the address of the identity the node uses when none is named. */
  public Path defaultIdentityFile() {
    return root.resolve("default-identity");
  }

  /**
   * Creates the directory (and the given child) readable by the owner only, where POSIX allows; an
   * existing one (a {@code --data-dir} made earlier under another umask) loses what group and
   * others may do with it.
   */
  public static Path createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      PrivateFiles.tighten(directory);
      return directory;
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Path parent = directory.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.createDirectory(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(directory);
    }
    return directory;
  }
}
