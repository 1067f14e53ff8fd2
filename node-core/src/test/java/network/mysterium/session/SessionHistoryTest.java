package network.mysterium.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history is in the SQLite file: reopened, it is all there, newest first. */
class SessionHistoryTest {
  @TempDir Path temp;

  @Test
  void sessionsOutliveTheDatabaseConnectionNewestFirst() throws Exception {
    Address provider = PrivateKey.generate(new SecureRandom()).address();
    Path file = temp.resolve("node.db");
    try (Database db = Database.open(file)) {
      SessionHistory history = new SessionHistory(db);
      history.add(
          new SessionHistory.Entry(
              Instant.ofEpochSecond(1000),
              provider,
              "DE",
              "socks5",
              12,
              320_000,
              2_000,
              Myst.parse("0.0032")));
      history.add(
          new SessionHistory.Entry(
              Instant.ofEpochSecond(2000), provider, "US", "wireguard", 60, 5, 7, Myst.parse("0")));
    }
    try (Database db = Database.open(file)) {
      var recent = new SessionHistory(db).recent(10);
      assertThat(recent).extracting(SessionHistory.Entry::country).containsExactly("US", "DE");
      SessionHistory.Entry de = recent.get(1);
      assertThat(de.provider()).isEqualTo(provider);
      assertThat(de.cost()).isEqualTo(Myst.parse("0.0032"));
      assertThat(de.bytes()).isEqualTo(322_000);
      assertThat(de.endedAt()).isEqualTo(Instant.ofEpochSecond(1000));
      assertThat(new SessionHistory(db).recent(1)).hasSize(1);
    }
  }
}
