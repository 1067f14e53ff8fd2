package network.mysterium.chain;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.http.HttpService;

/**
 * Follower ingest rate from anvil: 10,000 deposit events in 20 blocks, read by a fresh follower
 * into a fresh SQLite file, five times; the reference is the bare eth_getLogs of the same range in
 * the same run. Run with {@code ./mvnw -pl node-core -am verify -Pbenchmarks
 * -Dtest=ChainIngestBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
@ExtendWith(AnvilExtension.class)
class ChainIngestBenchmark {
  private static final int EVENTS_PER_TX = 500;
  private static final int TRANSACTIONS = 20;
  private static final int RUNS = 5;

  @Test
  void ingestRate(Anvil anvil) throws Exception {
    Web3j web3 = Web3j.build(new HttpService(anvil.rpcUrl().toString()));
    try {
      EventFixtureContract fixture = EventFixtureContract.deploy(web3, Anvil.DEFAULT_CHAIN_ID);
      long start = anvil.blockNumber();
      Address identity = Address.parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
      for (int i = 0; i < TRANSACTIONS; i++) {
        fixture.depositMany(identity, EVENTS_PER_TX);
      }
      long end = anvil.blockNumber();
      int events = EVENTS_PER_TX * TRANSACTIONS;
      ContractAddresses contracts =
          new ContractAddresses(
              Anvil.DEFAULT_CHAIN_ID, fixture.address, fixture.address, fixture.address);

      List<Double> follower = new ArrayList<>();
      List<Double> reference = new ArrayList<>();
      for (int run = 0; run < RUNS; run++) {
        long t0 = System.nanoTime();
        web3.ethGetLogs(
                new EthFilter(
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(start)),
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(end)),
                    fixture.address.toString()))
            .send()
            .getLogs();
        reference.add(events / seconds(t0));

        Path dir = Files.createTempDirectory("ingest");
        try (Database database = Database.open(dir.resolve("node.db"));
            ChainFollower chainFollower =
                new ChainFollower(
                    web3,
                    new ChainIndex(database),
                    new ChainFollower.Config(contracts, start, 0, 5000, Duration.ofSeconds(1)))) {
          long t1 = System.nanoTime();
          int ingested = chainFollower.pollOnce().events();
          follower.add(ingested / seconds(t1));
          if (ingested != events
              || !new ChainIndex(database).balanceOf(identity).equals(BigInteger.valueOf(events))) {
            throw new AssertionError("ingested " + ingested + " of " + events);
          }
        } finally {
          try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
              Files.delete(file);
            }
          }
          Files.delete(dir);
        }
      }
      double followerMedian = median(follower);
      double referenceMedian = median(reference);
      System.out.printf(
          "BENCHMARK chain ingest: %d events, %d runs; follower median %.0f events/s (runs %s);"
              + " bare eth_getLogs median %.0f events/s (runs %s); ratio %.2f%n",
          events,
          RUNS,
          followerMedian,
          rounded(follower),
          referenceMedian,
          rounded(reference),
          followerMedian / referenceMedian);
    } finally {
      web3.shutdown();
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static List<Long> rounded(List<Double> values) {
    return values.stream().map(Math::round).toList();
  }
}
