package network.mysterium.chain;

import static network.mysterium.chain.ChainFollowerTest.publicKeyOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PublicKey;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may talk to this node, from the chain index in a real SQLite file (review F8: a datagram from
 * a known peer costs no database query on the connection chain indexing shares). Each lookup that
 * reaches the index is counted.
 */
class RegistryDirectoryTest {
  private static final long CHAIN = 31337;
  private static final Address ALICE = Address.parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  private static final Address BOB = Address.parse("0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF");
  @TempDir Path temp;
  private Database database;
  private ChainIndex index;
  private final AtomicInteger queries = new AtomicInteger();
  private volatile boolean failing;

  /** The index as the directory sees it, counting what reaches the database. */
  private final RegisteredIdentities counted =
      identity -> {
        queries.incrementAndGet();
        if (failing) {
          throw new StoreException("database connection closed");
        }
        return index.registration(identity);
      };

  @BeforeEach
  void open() throws Exception {
    database = Database.open(temp.resolve("node.db"));
    index = new ChainIndex(database);
  }

  @AfterEach
  void close() {
    database.close();
  }

  private void register(Address identity, int key, long block) throws Exception {
    ChainEvent.Position at = new ChainEvent.Position(block, "0xb" + block, 0, "0xt" + block);
    ChainIndex.BlockRef ref = new ChainIndex.BlockRef(block, "0xb" + block);
    index.ingest(
        CHAIN,
        List.of(
            new ChainEvent.IdentityRegistered(
                at, identity, identity, publicKeyOf(key), BigInteger.ONE)),
        List.of(ref),
        ref);
  }

  @Test
  void aRegisteredPeersKeyIsReadFromTheIndexOnceForManyDatagrams() throws Exception {
    register(ALICE, 1, 10);
    RegistryDirectory directory = new RegistryDirectory(counted);

    for (int i = 0; i < 1000; i++) {
      assertThat(directory.publicKey(ALICE))
          .get()
          .extracting(PublicKey::toUncompressedXy)
          .isEqualTo(publicKeyOf(1));
    }
    assertThat(queries).hasValue(1);
  }

  @Test
  void aStrangerIsRememberedOnlyBrieflyAndIsHeardOnceItRegisters() throws Exception {
    RegistryDirectory directory = new RegistryDirectory(counted);
    assertThat(directory.publicKey(BOB)).isEmpty();
    assertThat(directory.publicKey(BOB)).isEmpty();
    assertThat(queries).as("a flood from a stranger is one query").hasValue(1);

    register(BOB, 2, 11);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Optional<PublicKey> key = directory.publicKey(BOB);
    while (key.isEmpty()) {
      assertThat(System.nanoTime()).as("registration seen within 20 s").isLessThan(deadline);
      Thread.sleep(50); // polling the condition: "not registered" expires after a few seconds
      key = directory.publicKey(BOB);
    }
    assertThat(key.get().toUncompressedXy()).isEqualTo(publicKeyOf(2));
  }

  @Test
  void aFailedLookupIsNotRememberedSoTheNextDatagramAsksAgain() throws Exception {
    register(ALICE, 1, 10);
    RegistryDirectory directory = new RegistryDirectory(counted);
    failing = true;
    assertThat(directory.publicKey(ALICE)).isEmpty();
    assertThat(directory.publicKey(ALICE)).isEmpty();
    assertThat(queries).hasValue(2);

    failing = false;
    assertThat(directory.publicKey(ALICE)).isPresent();
    assertThat(directory.publicKey(ALICE)).isPresent();
    assertThat(queries).hasValue(3);
  }

  @Test
  void spoofedIdentitiesCannotGrowTheCacheAndPushOutOnlyWhatWasLeastRecentlyUsed()
      throws Exception {
    register(ALICE, 1, 10);
    RegistryDirectory directory = new RegistryDirectory(counted);
    assertThat(directory.publicKey(ALICE)).isPresent();
    byte[] bytes = new byte[20];
    for (int i = 0; i < RegistryDirectory.CACHE_ENTRIES; i++) {
      bytes[0] = (byte) 0xee;
      bytes[16] = (byte) (i >>> 24);
      bytes[17] = (byte) (i >>> 16);
      bytes[18] = (byte) (i >>> 8);
      bytes[19] = (byte) i;
      assertThat(directory.publicKey(Address.of(bytes))).isEmpty();
      if (i % 1000 == 0) {
        assertThat(directory.publicKey(ALICE)).isPresent(); // a peer in use stays
      }
    }
    int before = queries.get();
    assertThat(directory.publicKey(ALICE)).isPresent();
    assertThat(queries).as("the peer in use was kept").hasValue(before);
    assertThat(directory.publicKey(Address.of(bytes))).isEmpty();
    assertThat(queries).as("the newest stranger is still remembered").hasValue(before);

    // the first stranger was pushed out by the ones after it: asked again
    bytes[16] = bytes[17] = bytes[18] = bytes[19] = 0;
    assertThat(directory.publicKey(Address.of(bytes))).isEmpty();
    assertThat(queries).hasValue(before + 1);
  }
}
