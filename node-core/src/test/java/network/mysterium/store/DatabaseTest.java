package network.mysterium.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path temp;

  @Test
  void newDatabaseIsMigratedAndReopeningKeepsIt() throws Exception {
    Path file = temp.resolve("node.db");
    try (Database database = Database.open(file)) {
      assertThat(database.schemaVersion()).isEqualTo(Migrations.ALL.size());
      database.transaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("INSERT INTO chain_blocks (block_number, block_hash) VALUES (7, '0xabc')");
            }
            return null;
          });
    }
    try (Database database = Database.open(file)) {
      assertThat(count(database, "chain_blocks")).isEqualTo(1);
    }
  }

  @Test
  void failedTransactionLeavesNothing() throws Exception {
    try (Database database = Database.open(temp.resolve("node.db"))) {
      assertThatThrownBy(
              () ->
                  database.transaction(
                      c -> {
                        try (Statement s = c.createStatement()) {
                          s.execute(
                              "INSERT INTO chain_blocks (block_number, block_hash) VALUES (1,"
                                  + " 'a')");
                          s.execute(
                              "INSERT INTO chain_blocks (block_number, block_hash) VALUES (1,"
                                  + " 'b')");
                        }
                        return null;
                      }))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("UNIQUE");
      assertThat(count(database, "chain_blocks")).isZero();
    }
  }

  @Test
  void databaseFromANewerNodeIsRefusedClearly() throws Exception {
    Path file = temp.resolve("node.db");
    try (Database database = Database.open(file)) {
      database.transaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("PRAGMA user_version = 99");
            }
            return null;
          });
    }
    assertThatThrownBy(() -> Database.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 99, newer than this node knows");
  }

  @Test
  void unopenableFileIsAClearError() {
    assertThatThrownBy(() -> Database.open(temp.resolve("missing-dir").resolve("node.db")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot open the database");
  }

  private static int count(Database database, String table) throws StoreException {
    return database.transaction(
        c -> {
          try (Statement s = c.createStatement();
              var rows = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            return rows.getInt(1);
          }
        });
  }
}
