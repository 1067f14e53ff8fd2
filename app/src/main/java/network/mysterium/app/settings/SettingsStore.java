package network.mysterium.app.settings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The app's settings as they are now, saved to the data directory at every change so a crash loses
 * nothing the user chose.
 */
public final class SettingsStore {
  private final Path dataDir;
  private AppSettings current;

  private SettingsStore(Path dataDir, AppSettings current) {
    this.dataDir = dataDir;
    this.current = current;
  }

  public static SettingsStore open(Path dataDir) throws IOException {
    return new SettingsStore(dataDir, AppSettings.load(dataDir));
  }

  public synchronized AppSettings get() {
    return current;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Changes and saves the settings. */
  public synchronized AppSettings update(UnaryOperator<AppSettings> change) throws IOException {
    AppSettings changed = change.apply(current);
    changed.save(dataDir);
    current = changed;
    return changed;
  }
}
