package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainIndexTest {
  private static final long CHAIN = 31337;
  private static final Address ALICE = Address.parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  private static final Address BOB = Address.parse("0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF");
  private static final Address FEES = Address.parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  @TempDir Path temp;
  private Database database;
  private ChainIndex index;

  @BeforeEach
  void open() throws StoreException {
    database = Database.open(temp.resolve("node.db"));
    index = new ChainIndex(database);
  }

  @AfterEach
  void close() {
    database.close();
  }

  private static ChainEvent.Position at(long block, int log) {
    return new ChainEvent.Position(block, "0xb" + block, log, "0xt" + block + "-" + log);
  }

  private static ChainIndex.BlockRef block(long n) {
    return new ChainIndex.BlockRef(n, "0xb" + n);
  }

  private static BigInteger myst(long n) {
    return BigInteger.valueOf(n).multiply(BigInteger.TEN.pow(18));
  }

  @Test
  void balancesAddUpFromDepositsClearingsAndWithdrawals() throws Exception {
    index.ingest(
        CHAIN,
        List.of(
            new ChainEvent.Deposited(at(10, 0), ALICE, FEES, myst(100)),
            new ChainEvent.PromiseCleared(
                at(11, 0), ALICE, BOB, BigInteger.ONE, myst(30), myst(30), myst(3)),
            new ChainEvent.Withdrawn(at(12, 0), BOB, FEES, myst(20), BigInteger.ZERO)),
        List.of(block(10), block(11), block(12)),
        block(12));
    assertThat(index.balanceOf(ALICE)).isEqualTo(myst(70));
    assertThat(index.balanceOf(BOB)).isEqualTo(myst(7)); // 30 - 3 fee - 20 withdrawn
    assertThat(index.cursor(CHAIN)).contains(block(12));
  }

  @Test
  void aWithdrawalIsPendingFromItsRequestUntilItsNonceIsWithdrawnAndARewindForgetsIt()
      throws Exception {
    ChainEvent.WithdrawalRequested first =
        new ChainEvent.WithdrawalRequested(
            at(20, 0), ALICE, FEES, myst(5), BigInteger.valueOf(1_000), BigInteger.ZERO);
    index.ingest(CHAIN, List.of(first), List.of(block(20)), block(20));
    assertThat(index.pendingWithdrawals())
        .containsExactly(
            new ChainIndex.PendingWithdrawal(
                ALICE, FEES, myst(5), java.time.Instant.ofEpochSecond(1_000)));
    // a later request replaces it (as on chain)
    index.ingest(
        CHAIN,
        List.of(
            new ChainEvent.WithdrawalRequested(
                at(21, 3), ALICE, BOB, myst(2), BigInteger.valueOf(2_000), BigInteger.ONE)),
        List.of(block(21)),
        block(21));
    assertThat(index.pendingWithdrawals())
        .extracting(ChainIndex.PendingWithdrawal::amount)
        .containsExactly(myst(2));
    // a reorg drops the replacement: the first is pending again
    index.rewindTo(CHAIN, Optional.of(block(20)));
    assertThat(index.pendingWithdrawals())
        .extracting(ChainIndex.PendingWithdrawal::to)
        .containsExactly(FEES);
    // completed: the Withdrawn of its nonce ends it; a hostile far-future time is clamped
    index.ingest(
        CHAIN,
        List.of(
            new ChainEvent.Withdrawn(at(22, 0), ALICE, FEES, myst(5), BigInteger.ZERO),
            new ChainEvent.WithdrawalRequested(
                at(22, 1), BOB, BOB, myst(1), BigInteger.TWO.pow(255), BigInteger.ZERO)),
        List.of(block(22)),
        block(22));
    assertThat(index.pendingWithdrawals())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.identity()).isEqualTo(BOB);
              assertThat(p.completableAt().getEpochSecond()).isEqualTo(253_402_300_799L);
            });
  }

  @Test
  void ingestingTheSameRangeTwiceStoresEachEventOnce() throws Exception {
    List<ChainEvent> events =
        List.of(
            new ChainEvent.IdentityRegistered(at(5, 0), ALICE, ALICE, new byte[64], myst(10)),
            new ChainEvent.ProposalAnnounced(at(5, 1), ALICE, 1, new byte[] {1, 2, 3}),
            new ChainEvent.Deposited(at(5, 2), ALICE, ALICE, myst(1)));
    index.ingest(CHAIN, events, List.of(block(5)), block(5));
    index.ingest(CHAIN, events, List.of(block(5)), block(5));
    assertThat(index.eventCount()).isEqualTo(3);
    assertThat(index.balanceOf(ALICE)).isEqualTo(myst(1));
    assertThat(index.registration(ALICE))
        .get()
        .extracting(ChainIndex.Registration::stake)
        .isEqualTo(myst(10));
    assertThat(index.announcementsSince(0))
        .singleElement()
        .extracting(ChainEvent.ProposalAnnounced::serial)
        .isEqualTo(1L);
  }

  @Test
  void rewindForgetsEverythingAboveTheAncestor() throws Exception {
    index.ingest(
        CHAIN,
        List.of(new ChainEvent.Deposited(at(5, 0), ALICE, ALICE, myst(1))),
        List.of(block(5)),
        block(5));
    index.ingest(
        CHAIN,
        List.of(
            new ChainEvent.Deposited(at(6, 0), ALICE, ALICE, myst(2)),
            new ChainEvent.IdentityRegistered(at(6, 1), BOB, BOB, new byte[64], myst(10))),
        List.of(block(6)),
        block(6));
    index.rewindTo(CHAIN, Optional.of(block(5)));
    assertThat(index.balanceOf(ALICE)).isEqualTo(myst(1));
    assertThat(index.registration(BOB)).isEmpty();
    assertThat(index.cursor(CHAIN)).contains(block(5));
    assertThat(index.recentBlocks()).containsExactly(block(5));

    index.rewindTo(CHAIN, Optional.empty());
    assertThat(index.eventCount()).isZero();
    assertThat(index.cursor(CHAIN)).isEmpty();
  }

  @Test
  void aDatabaseOfAnotherChainIsRefused() throws Exception {
    index.ingest(CHAIN, List.of(), List.of(block(1)), block(1));
    assertThatThrownBy(() -> index.cursor(1))
        .hasMessageContaining("follows chain 31337, not chain 1");
  }

  @Test
  void oldBlockHashesArePruned() throws Exception {
    index.ingest(CHAIN, List.of(), List.of(block(1)), block(1));
    index.ingest(CHAIN, List.of(), List.of(block(2000)), block(2000));
    assertThat(index.recentBlocks()).containsExactly(block(2000));
  }
}
