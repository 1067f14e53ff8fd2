package network.mysterium.chain;

import static network.mysterium.chain.ChainFollowerTest.publicKeyOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Keccak;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * Whatever a contract emits, the follower passes it: each bad log is skipped and counted by its
 * reason, the good logs around it are indexed, and the cursor reaches the head (review F1). The
 * fixture plays the three contracts, as an older deployment or a lying RPC could.
 */
@ExtendWith(AnvilExtension.class)
class HostileEventsTest {
  private static final Address ALICE = Address.parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  private static final Address BOB = Address.parse("0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF");
  private static final BigInteger TWO_TO_63 = BigInteger.ONE.shiftLeft(63);
  private static final BigInteger TWO_TO_64_MINUS_1 =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  @TempDir Path temp;
  private Anvil anvil;
  private Web3j web3;
  private EventFixtureContract fixture;
  private Database database;
  private ChainFollower follower;

  @BeforeEach
  void deploy(Anvil anvil) throws Exception {
    this.anvil = anvil;
    web3 = Web3j.build(new HttpService(anvil.rpcUrl().toString()));
    fixture = EventFixtureContract.deploy(web3, Anvil.DEFAULT_CHAIN_ID);
    ContractAddresses contracts =
        new ContractAddresses(
            Anvil.DEFAULT_CHAIN_ID, fixture.address, fixture.address, fixture.address);
    database = Database.open(temp.resolve("node.db"));
    follower =
        new ChainFollower(
            web3,
            new ChainIndex(database),
            new ChainFollower.Config(
                contracts, anvil.blockNumber(), 0, 1000, Duration.ofMillis(50)));
  }

  @AfterEach
  void close() {
    follower.close();
    database.close();
    web3.shutdown();
  }

  private static byte[] topic(String signature) {
    return Keccak.hash(signature.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] word(Address address) {
    byte[] word = new byte[32];
    System.arraycopy(address.toBytes(), 0, word, 12, 20);
    return word;
  }

  private static byte[] word(long value) {
    byte[] word = new byte[32];
    for (int i = 0; i < 8; i++) {
      word[31 - i] = (byte) (value >>> (8 * i));
    }
    return word;
  }

  @Test
  void everyBadEventIsSkippedAndCountedAndTheGoodOnesAroundItAreIndexed() throws Exception {
    byte[] deposited = topic("Deposited(address,address,uint256)");
    byte[] registered = topic("IdentityRegistered(address,address,bytes,uint256)");
    fixture.deposit(ALICE, BigInteger.ONE);
    // serials the proposal format cannot carry (the real registry now refuses them too)
    fixture.announce(TWO_TO_63, new byte[] {1});
    fixture.announce(TWO_TO_64_MINUS_1, new byte[] {1});
    fixture.announce(BigInteger.ZERO, new byte[] {1});
    fixture.announce(1, new byte[3000]); // above the registry's 2048 bytes
    // registrations of a key for someone else, and of a key of the wrong length
    fixture.register(ALICE, publicKeyOf(2), BigInteger.ONE);
    byte[] longKey = new byte[65];
    System.arraycopy(publicKeyOf(2), 0, longKey, 1, 64);
    fixture.register(BOB, longKey, BigInteger.ONE);
    // logs that are not what their topic says
    fixture.rawLog(
        List.of(topic("ProposalAnnounced(address,uint64,bytes)"), word(ALICE)), new byte[64]);
    byte[] dirtyAddress = word(ALICE);
    dirtyAddress[0] = 1;
    fixture.rawLog(List.of(deposited, dirtyAddress, word(BOB)), word(5));
    fixture.rawLog(List.of(deposited, word(ALICE), word(BOB)), new byte[5]);
    byte[] offsetOutOfRange = new byte[64];
    System.arraycopy(word(1_000_000), 0, offsetOutOfRange, 0, 32);
    fixture.rawLog(List.of(registered, word(BOB), word(BOB)), offsetOutOfRange);
    // and, among them, good ones
    fixture.register(BOB, publicKeyOf(2), BigInteger.TWO);
    fixture.announce(Long.MAX_VALUE, new byte[] {1, 2});
    fixture.deposit(ALICE, BigInteger.TEN);

    ChainFollower.Progress progress = follower.pollOnce();

    assertThat(progress.toBlock()).isEqualTo(anvil.blockNumber());
    assertThat(progress.events()).isEqualTo(4);
    ChainIndex index = new ChainIndex(database);
    assertThat(index.balanceOf(ALICE)).isEqualTo(BigInteger.valueOf(11));
    assertThat(index.registration(ALICE)).isEmpty();
    assertThat(index.registration(BOB))
        .get()
        .satisfies(r -> assertThat(r.publicKey()).isEqualTo(publicKeyOf(2)));
    assertThat(index.announcementsSince(0))
        .singleElement()
        .satisfies(a -> assertThat(a.serial()).isEqualTo(Long.MAX_VALUE));
    assertThat(follower.refusals())
        .isEqualTo(
            Map.of(
                EventRefusal.SERIAL_OUT_OF_RANGE, 3L,
                EventRefusal.OVERSIZED, 1L,
                EventRefusal.PUBLIC_KEY_MISMATCH, 2L,
                EventRefusal.MALFORMED, 4L));
  }

  @Test
  void eachReasonIsOneWarningHoweverManyBadEventsHaveItAndTheRestAreDebugLines() throws Exception {
    ch.qos.logback.classic.Logger log =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ChainFollower.class);
    ch.qos.logback.classic.Level level = log.getLevel();
    var appender =
        new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    appender.start();
    log.addAppender(appender);
    log.setLevel(ch.qos.logback.classic.Level.DEBUG);
    try {
      byte[] deposited = topic("Deposited(address,address,uint256)");
      for (int i = 0; i < 3; i++) {
        fixture.announce(TWO_TO_63.add(BigInteger.valueOf(i)), new byte[] {1});
        fixture.rawLog(List.of(deposited, word(ALICE), word(BOB)), new byte[5]);
      }
      follower.pollOnce();
      // a later flood of the same reasons: counted, never another warning
      for (int i = 0; i < 5; i++) {
        fixture.announce(TWO_TO_64_MINUS_1, new byte[] {1});
      }
      follower.pollOnce();

      assertThat(follower.refusals())
          .containsEntry(EventRefusal.SERIAL_OUT_OF_RANGE, 8L)
          .containsEntry(EventRefusal.MALFORMED, 3L);
      List<String> warnings =
          appender.list.stream()
              .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
              .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
              .toList();
      assertThat(warnings).hasSize(2).allMatch(m -> m.contains("skipped an event"));
      assertThat(
              appender.list.stream()
                  .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.DEBUG)
                  .filter(e -> e.getFormattedMessage().contains("skipped an event")))
          .hasSize(11 - 2);
    } finally {
      log.detachAppender(appender);
      log.setLevel(level);
    }
  }

  @Test
  void theBackgroundFollowerMovesOnPastABadEvent() throws Exception {
    follower.start();
    fixture.announce(TWO_TO_63, new byte[] {1});
    fixture.deposit(ALICE, BigInteger.valueOf(3));
    ChainIndex index = new ChainIndex(database);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!index.balanceOf(ALICE).equals(BigInteger.valueOf(3))) {
      assertThat(System.nanoTime()).as("deposit indexed within 20 s").isLessThan(deadline);
      Thread.onSpinWait();
      Thread.sleep(20); // polling the condition, not waiting a fixed time
    }
    assertThat(follower.refusals()).containsEntry(EventRefusal.SERIAL_OUT_OF_RANGE, 1L);
    // and a synchronous poll (what node start and search do) after it succeeds
    assertThat(follower.pollOnce().toBlock()).isEqualTo(anvil.blockNumber());
  }
}
