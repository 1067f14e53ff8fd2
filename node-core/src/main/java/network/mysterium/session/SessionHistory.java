package network.mysterium.session;

import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/** The sessions a consumer had, kept in its database so the history outlives the app. */
public final class SessionHistory {
  /** One ended session: when, with whom, where, how, how long, how much each way, the cost. */
  public record Entry(
      Instant endedAt,
      Address provider,
      String country,
      String serviceType,
      long seconds,
      long bytesDown,
      long bytesUp,
      Myst cost) {
    public long bytes() {
      return bytesDown + bytesUp;
    }
  }

  private final Database database;

  public SessionHistory(Database database) {
    this.database = database;
  }

  public void add(Entry e) throws StoreException {
    database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO session_history (ended_at, provider, country, service_type,"
                      + " seconds, bytes_down, bytes_up, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setLong(1, e.endedAt().toEpochMilli());
            s.setString(2, e.provider().toString());
            s.setString(3, e.country());
            s.setString(4, e.serviceType());
            s.setLong(5, e.seconds());
            s.setLong(6, e.bytesDown());
            s.setLong(7, e.bytesUp());
            s.setString(8, e.cost().baseUnits().toString());
            return s.executeUpdate();
          }
        });
  }

  /** The latest sessions, newest first. */
  public List<Entry> recent(int limit) throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT ended_at, provider, country, service_type, seconds, bytes_down,"
                      + " bytes_up, cost FROM session_history ORDER BY id DESC LIMIT ?")) {
            s.setInt(1, limit);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                entries.add(
                    new Entry(
                        Instant.ofEpochMilli(r.getLong(1)),
                        Address.parse(r.getString(2)),
                        r.getString(3),
                        r.getString(4),
                        r.getLong(5),
                        r.getLong(6),
                        r.getLong(7),
                        Myst.ofBaseUnits(new BigInteger(r.getString(8)))));
              }
            }
            return entries;
          }
        });
  }
}
