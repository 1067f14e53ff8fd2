package network.mysterium.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.List;

/**
 * The schema's history: migration {@code n} (1-based) is the SQL resource {@code V<n>.sql} next to
 * this class, and the database's {@code PRAGMA user_version} says how many are applied. Each one
 * runs in its own transaction with the version bump, so a crash leaves the schema at a version.
 */
final class Migrations {
  /** One line per migration, in order; the file holds the statements. */
  static final List<String> ALL =
      List.of(
          "V1.sql", "V2.sql", "V3.sql", "V4.sql", "V5.sql", "V6.sql", "V7.sql", "V8.sql", "V9.sql");

  private Migrations() {}

  static void apply(Database database) throws StoreException {
    int current = database.schemaVersion();
    if (current > ALL.size()) {
      throw new StoreException(
          "the database has schema version "
              + current
              + ", newer than this node knows ("
              + ALL.size()
              + "): use a newer node or another data directory");
    }
    for (int version = current + 1; version <= ALL.size(); version++) {
      String sql = read(ALL.get(version - 1));
      int target = version;
      database.transaction(
          connection -> {
            try (Statement statement = connection.createStatement()) {
              for (String part : sql.split(";\\s*(\\n|$)")) {
                if (!part.isBlank()) {
                  statement.execute(part);
                }
              }
              statement.execute("PRAGMA user_version = " + target);
            }
            return null;
          });
    }
  }

  private static String read(String name) throws StoreException {
    try (InputStream in = Migrations.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new StoreException("migration " + name + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("cannot read migration " + name, e);
    }
  }
}
