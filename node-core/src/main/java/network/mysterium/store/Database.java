package network.mysterium.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The node's SQLite database: one file per node, migrated to the code's schema when opened. One
 * connection, used by one caller at a time (SQLite serialises writers anyway); work runs in
 * transactions that either commit whole or leave nothing.
 */
public final class Database implements AutoCloseable {
  /** Work on the connection inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  private Database(Connection connection) {
    this.connection = connection;
  }

  /** Opens (or creates) the database file and applies the migrations it lacks. */
  public static Database open(Path file) throws StoreException {
    try {
      // promises and balances are private: 0600 before SQLite creates it (or after another umask)
      network.mysterium.datadir.PrivateFiles.ownerOnlyFile(file);
      for (String suffix : new String[] {"-wal", "-shm"}) {
        network.mysterium.datadir.PrivateFiles.tighten(Path.of(file + suffix));
      }
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      // FULL: a commit is on disk before it returns; money and received promises depend on it.
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.enforceForeignKeys(true);
      config.setBusyTimeout(10_000);
      Connection connection =
          DriverManager.getConnection(
              "jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
      Database database = new Database(connection);
      try {
        Migrations.apply(database);
      } catch (StoreException e) {
        database.close();
        throw e;
      }
      return database;
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot open the database " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs work in one transaction: committed if it returns, rolled back if it throws. */
  public <T> T transaction(Work<T> work) throws StoreException {
    lock.lock();
    try {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("database: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** The schema version ({@code PRAGMA user_version}). */
  public int schemaVersion() throws StoreException {
    return transaction(
        c -> {
          try (Statement statement = c.createStatement();
              var rows = statement.executeQuery("PRAGMA user_version")) {
            return rows.getInt(1);
          }
        });
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      // closing a SQLite connection only fails on a connection already broken
    } finally {
      lock.unlock();
    }
  }
}
