package network.mysterium.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import network.mysterium.chain.ChainEvent;
import network.mysterium.chain.ChainIndex;
import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What other providers reported holding, on a real SQLite file: it counts until the chain shows the
 * pair cleared at that serial, an older report never lowers a newer one, the provider's own
 * promises are not counted twice, and a reporter cannot grow the table past its bound.
 */
class SharedExposureTest {
  private static final long CHAIN = 31337;
  private static final Address ISSUER = Address.parse("0x1111111111111111111111111111111111111111");
  private static final Address SELF = Address.parse("0x2222222222222222222222222222222222222222");
  private static final Address OTHER = Address.parse("0x3333333333333333333333333333333333333333");
  private static final Address FLOODER =
      Address.parse("0x4444444444444444444444444444444444444444");

  @TempDir Path temp;
  private Database database;
  private SharedExposure shared;

  @BeforeEach
  void open() throws Exception {
    database = Database.open(temp.resolve("node.db"));
    shared = new SharedExposure(database, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void whatOthersHoldCountsUntilTheChainShowsItCleared() throws Exception {
    assertThat(shared.record(new Promise(ISSUER, OTHER, 3, Myst.parse("0.4")))).isTrue();
    assertThat(shared.record(new Promise(ISSUER, OTHER, 3, Myst.parse("0.2")))).isTrue(); // older
    assertThat(shared.record(new Promise(ISSUER, SELF, 1, Myst.parse("0.5")))).isTrue();
    assertThat(shared.heldByOthers(ISSUER, SELF)).isEqualTo(Myst.parse("0.4"));

    // the chain clears the pair at serial 3: it no longer counts
    new ChainIndex(database)
        .ingest(
            CHAIN,
            List.of(
                new ChainEvent.PromiseCleared(
                    new ChainEvent.Position(7, "0xb7", 0, "0xt"),
                    ISSUER,
                    OTHER,
                    BigInteger.valueOf(3),
                    Myst.parse("0.4").baseUnits(),
                    Myst.parse("0.4").baseUnits(),
                    BigInteger.ZERO)),
            List.of(new ChainIndex.BlockRef(7, "0xb7")),
            new ChainIndex.BlockRef(7, "0xb7"));
    assertThat(shared.heldByOthers(ISSUER, SELF)).isEqualTo(Myst.ZERO);
    // a later serial of the same pair counts again
    shared.record(new Promise(ISSUER, OTHER, 4, Myst.parse("0.1")));
    assertThat(shared.heldByOthers(ISSUER, SELF)).isEqualTo(Myst.parse("0.1"));
  }

  @Test
  void aReporterCannotGrowTheTableWithoutBound() throws Exception {
    for (int i = 0; i < SharedExposure.MAX_PER_HOLDER; i++) {
      Address issuer = Address.of(pad(BigInteger.valueOf(1_000 + i)));
      assertThat(shared.record(new Promise(issuer, FLOODER, 1, Myst.parse("0.01")))).isTrue();
    }
    assertThat(shared.record(new Promise(ISSUER, FLOODER, 1, Myst.parse("9")))).isFalse();
    assertThat(shared.heldByOthers(ISSUER, SELF)).isEqualTo(Myst.ZERO);
    // another reporter is not held up by the flood
    assertThat(shared.record(new Promise(ISSUER, OTHER, 1, Myst.parse("0.3")))).isTrue();
    assertThat(shared.heldByOthers(ISSUER, SELF)).isEqualTo(Myst.parse("0.3"));
  }

  private static byte[] pad(BigInteger n) {
    byte[] raw = n.toByteArray();
    byte[] out = new byte[20];
    System.arraycopy(raw, 0, out, 20 - raw.length, raw.length);
    out[0] = 0x55; // never one of the fixed addresses above
    return out;
  }
}
