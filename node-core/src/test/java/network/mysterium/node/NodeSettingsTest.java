package network.mysterium.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings on a real SQLite file: built-in until set, a refused change stores nothing, and what
 * was stored is read again by a database opened anew on the same file.
 */
class NodeSettingsTest {
  @TempDir Path temp;

  @Test
  void storedSettingsOutliveTheDatabaseAndRefusalsStoreNothing() throws Exception {
    Path file = temp.resolve("node.db");
    try (Database database = Database.open(file)) {
      NodeSettings settings = new NodeSettings(database);
      assertThat(settings.current())
          .isEqualTo(
              new NodeSettings.Settings(Myst.parse("0.05"), Myst.parse("1"), Myst.parse("2")));
      assertThatThrownBy(
              () -> settings.update(Optional.empty(), Optional.of("2.5"), Optional.empty()))
          .isInstanceOfSatisfying(
              NodeException.class,
              e -> assertThat(e.code()).isEqualTo(NodeException.Code.INVALID_INPUT));
      assertThatThrownBy(
              () -> settings.update(Optional.of("0"), Optional.empty(), Optional.empty()))
          .isInstanceOfSatisfying(
              NodeException.class,
              e -> assertThat(e.code()).isEqualTo(NodeException.Code.INVALID_AMOUNT));
      assertThat(settings.current().maxSpend()).isEqualTo(Myst.parse("1"));
      settings.update(Optional.of("0.02"), Optional.of("2.5"), Optional.of("3"));
    }
    try (Database reopened = Database.open(file)) {
      assertThat(new NodeSettings(reopened).current())
          .isEqualTo(
              new NodeSettings.Settings(Myst.parse("0.02"), Myst.parse("2.5"), Myst.parse("3")));
    }
  }
}
