package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** The follower against a real anvil, with events from real transactions. */
@ExtendWith(AnvilExtension.class)
class ChainFollowerTest {
  private static final Address ALICE = Address.parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  private static final Address BOB = Address.parse("0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF");
  @TempDir Path temp;
  private Web3j web3;
  private EventFixtureContract fixture;
  private ContractAddresses contracts;
  private long startBlock;
  private Database database;

  @BeforeEach
  void deploy(Anvil anvil) throws Exception {
    web3 = Web3j.build(new HttpService(anvil.rpcUrl().toString()));
    fixture = EventFixtureContract.deploy(web3, Anvil.DEFAULT_CHAIN_ID);
    // One fixture plays all three contracts: each event is accepted from its configured emitter.
    contracts =
        new ContractAddresses(
            Anvil.DEFAULT_CHAIN_ID, fixture.address, fixture.address, fixture.address);
    startBlock = anvil.blockNumber();
    database = Database.open(temp.resolve("node.db"));
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
    web3.shutdown();
  }

  private ChainFollower follower(int confirmations) {
    return new ChainFollower(
        web3,
        new ChainIndex(database),
        new ChainFollower.Config(
            contracts, startBlock, confirmations, 1000, Duration.ofMillis(100)));
  }

  /** The public key of the private key {@code n} (ALICE is 1, BOB is 2). */
  static byte[] publicKeyOf(int n) {
    byte[] secret = new byte[32];
    secret[31] = (byte) n;
    try (network.mysterium.crypto.PrivateKey key = network.mysterium.crypto.PrivateKey.of(secret)) {
      return key.publicKey().toUncompressedXy();
    }
  }

  private static BigInteger units(long n) {
    return BigInteger.valueOf(n);
  }

  @Test
  void indexesRegistrationsAnnouncementsAndPayments() throws Exception {
    byte[] key = publicKeyOf(1);
    fixture.register(ALICE, key, units(100));
    fixture.announce(3, new byte[] {1, 2, 3});
    fixture.deposit(ALICE, units(50));
    try (ChainFollower follower = follower(0)) {
      ChainFollower.Progress progress = follower.pollOnce();
      assertThat(progress.events()).isEqualTo(3);
    }
    ChainIndex index = new ChainIndex(database);
    assertThat(index.registration(ALICE))
        .get()
        .satisfies(r -> assertThat(r.publicKey()).isEqualTo(key));
    assertThat(index.registration(BOB)).isEmpty();
    assertThat(index.balanceOf(ALICE)).isEqualTo(units(50));
    assertThat(index.announcementsSince(0))
        .singleElement()
        .satisfies(a -> assertThat(a.serial()).isEqualTo(3));
  }

  @Test
  void restartResumesFromTheCursorWithoutDuplicates() throws Exception {
    fixture.deposit(ALICE, units(1));
    try (ChainFollower first = follower(0)) {
      first.pollOnce();
    }
    fixture.deposit(ALICE, units(2));
    try (ChainFollower second = follower(0)) {
      ChainFollower.Progress progress = second.pollOnce();
      assertThat(progress.events()).isEqualTo(1);
      assertThat(progress.fromBlock()).isGreaterThan(startBlock);
      second.pollOnce();
    }
    ChainIndex index = new ChainIndex(database);
    assertThat(index.eventCount()).isEqualTo(2);
    assertThat(index.balanceOf(ALICE)).isEqualTo(units(3));
  }

  @Test
  void reorgRemovesTheOrphanedEvents(Anvil anvil) throws Exception {
    fixture.deposit(ALICE, units(1));
    String beforeFork = anvil.snapshot();
    fixture.deposit(ALICE, units(10));
    fixture.register(BOB, publicKeyOf(2), units(5));
    ChainIndex index = new ChainIndex(database);
    try (ChainFollower follower = follower(0)) {
      follower.pollOnce();
      assertThat(index.balanceOf(ALICE)).isEqualTo(units(11));
      assertThat(index.registration(BOB)).isPresent();

      anvil.revert(beforeFork); // the two blocks above are orphaned...
      fixture.deposit(BOB, units(7)); // ...and replaced by other blocks of the same heights
      anvil.mine(2);
      ChainFollower.Progress progress = follower.pollOnce();

      assertThat(progress.rewoundTo()).isPresent();
      assertThat(index.balanceOf(ALICE)).isEqualTo(units(1));
      assertThat(index.registration(BOB)).isEmpty();
      assertThat(index.balanceOf(BOB)).isEqualTo(units(7));
    }
  }

  @Test
  void staysConfirmationsBehindTheHead(Anvil anvil) throws Exception {
    fixture.deposit(ALICE, units(1));
    ChainIndex index = new ChainIndex(database);
    try (ChainFollower follower = follower(3)) {
      follower.pollOnce();
      assertThat(index.eventCount()).isZero();
      anvil.mine(3);
      follower.pollOnce();
      assertThat(index.eventCount()).isEqualTo(1);
    }
  }

  @Test
  void eventsOfAnotherContractAreIgnored() throws Exception {
    EventFixtureContract impostor = EventFixtureContract.deploy(web3, Anvil.DEFAULT_CHAIN_ID);
    impostor.deposit(ALICE, units(1_000_000));
    fixture.deposit(ALICE, units(1));
    try (ChainFollower follower = follower(0)) {
      follower.pollOnce();
    }
    assertThat(new ChainIndex(database).balanceOf(ALICE)).isEqualTo(units(1));
  }

  @Test
  void manyEventsAcrossSmallRangesAreAllIndexed() throws Exception {
    fixture.depositMany(ALICE, 300);
    fixture.depositMany(BOB, 200);
    try (ChainFollower follower =
        new ChainFollower(
            web3,
            new ChainIndex(database),
            new ChainFollower.Config(contracts, startBlock, 0, 1, Duration.ofMillis(100)))) {
      assertThat(follower.pollOnce().events()).isEqualTo(500);
    }
    ChainIndex index = new ChainIndex(database);
    assertThat(index.balanceOf(ALICE)).isEqualTo(units(300));
    assertThat(index.balanceOf(BOB)).isEqualTo(units(200));
  }

  @Test
  void unreachableChainIsAClearError() throws Exception {
    Web3j nowhere = Web3j.build(new HttpService("http://127.0.0.1:1"));
    try (ChainFollower follower =
        new ChainFollower(
            nowhere,
            new ChainIndex(database),
            new ChainFollower.Config(contracts, 0, 0, 10, Duration.ofMillis(100)))) {
      assertThatThrownBy(follower::pollOnce).isInstanceOf(IOException.class);
    } finally {
      nowhere.shutdown();
    }
  }
}
