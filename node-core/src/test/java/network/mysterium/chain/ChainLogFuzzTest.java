package network.mysterium.chain;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.SignedProposals;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Fuzzes ABI-encoded logs (in {@link FuzzedLogs}' form) through the event decoder into a real
 * SQLite chain index and the proposal index: a log is decoded or refused with {@link
 * RefusedEventException}, and what is decoded is stored and synced without an exception. Seeds: the
 * real logs {@link ChainLogCorpusTest} recorded from the contracts on anvil.
 */
@Tag("fuzz-target-chain-logs") // its own fuzzing JVM (node-core/pom.xml)
class ChainLogFuzzTest {
  private static final EventDecoder DECODER = new EventDecoder(FuzzedLogs.CONTRACTS);
  private static Path directory;
  private static Database database;
  private static ChainIndex chain;
  private static ProposalIndex proposals;
  private static long block;

  @BeforeAll
  static void open() throws Exception {
    directory = Files.createTempDirectory("chain-fuzz");
    database = Database.open(directory.resolve("node.db"));
    chain = new ChainIndex(database);
    proposals =
        new ProposalIndex(
            database,
            chain,
            chain,
            new SignedProposals(
                ContractMessages.Domain.serviceRegistry(
                    FuzzedLogs.CHAIN_ID, FuzzedLogs.CONTRACTS.serviceRegistry())),
            ProposalIndex.DEFAULT_EXPIRY_BLOCKS);
  }

  @AfterAll
  static void close() throws Exception {
    database.close();
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Every build fuzzes for a few seconds. */
  @Tag("fuzz-brief")
  @FuzzTest(maxDuration = "10s")
  void logsAreDecodedOrRefusedAndIndexed(byte[] input) throws StoreException {
    ingest(input);
  }

  /** {@code ./mvnw -pl node-core -am test -Pfuzz -Dtest=ChainLogFuzzTest}: ten minutes. */
  @Tag("fuzz-long")
  @FuzzTest(maxDuration = "10m")
  void logsAreDecodedOrRefusedAndIndexedLong(byte[] input) throws StoreException {
    ingest(input);
  }

  private static void ingest(byte[] input) throws StoreException {
    long at = ++block;
    Log log = FuzzedLogs.log(input, at);
    try {
      var event = DECODER.decode(log);
      if (event.isPresent()) {
        ChainIndex.BlockRef ref = new ChainIndex.BlockRef(at, log.getBlockHash());
        chain.ingest(FuzzedLogs.CHAIN_ID, List.of(event.get()), List.of(ref), ref);
        proposals.sync();
      }
    } catch (RefusedEventException expected) {
      // the only way the decoder may refuse
    }
  }
}
