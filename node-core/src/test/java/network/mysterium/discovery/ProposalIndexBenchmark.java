package network.mysterium.discovery;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import network.mysterium.chain.ChainEvent;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.ContractMessages;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 100,000 signed proposals (50,000 providers, wireguard and socks5, spread over 200 countries with
 * a skew toward a few), stored as announcements, then: verified ingest rate of ProposalIndex.sync,
 * and latency of country + type + max-price queries sorted by price. {@code ./mvnw -pl node-core
 * -am test -Pbenchmarks -Dtest=ProposalIndexBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class ProposalIndexBenchmark {
  private static final int PROVIDERS = 50_000;

  @Test
  void ingestAndQuery() throws Exception {
    Random random = new Random(5);
    SecureRandom keys = new SecureRandom();
    List<String> countries = List.of(Locale.getISOCountries()).subList(0, 200);
    Address registry = Address.parse("0x00000000000000000000000000000000000000aa");
    SignedProposals signer =
        new SignedProposals(ContractMessages.Domain.serviceRegistry(31337, registry));
    Path dir = Files.createTempDirectory("proposal-bench");
    try (Database database = Database.open(dir.resolve("node.db"))) {
      ChainIndex chain = new ChainIndex(database);
      List<ChainEvent> events = new ArrayList<>();
      long block = 1;
      for (int i = 0; i < PROVIDERS; i++) {
        try (PrivateKey key = PrivateKey.generate(keys)) {
          String country = countries.get(Math.min(199, (int) Math.abs(random.nextGaussian() * 40)));
          events.add(
              new ChainEvent.IdentityRegistered(
                  at(block, events.size()),
                  key.address(),
                  key.address(),
                  key.publicKey().toUncompressedXy(),
                  BigInteger.ONE));
          for (String type : List.of("wireguard", "socks5")) {
            ServiceProposal proposal =
                new ServiceProposal(
                    1,
                    key.address(),
                    1,
                    type,
                    new ServiceProposal.Place(country, 3320),
                    new ServiceProposal.Place(country, 3320),
                    10_000 + random.nextInt(990_000),
                    ServiceProposal.Metering.PER_MEGABYTE,
                    Myst.ofBaseUnits(
                        BigInteger.valueOf(1 + random.nextInt(1_000_000))
                            .multiply(BigInteger.TEN.pow(9))),
                    List.of("udp://203.0.113." + (i % 250) + ":5000"));
            events.add(
                new ChainEvent.ProposalAnnounced(
                    at(block, events.size()), key.address(), 1, signer.sign(proposal, key)));
          }
        }
        if (events.size() >= 3000) {
          chain.ingest(
              31337,
              events,
              List.of(new ChainIndex.BlockRef(block, "0x" + block)),
              new ChainIndex.BlockRef(block, "0x" + block));
          events.clear();
          block++;
        }
      }
      chain.ingest(
          31337,
          events,
          List.of(new ChainIndex.BlockRef(block, "0x" + block)),
          new ChainIndex.BlockRef(block, "0x" + block));

      ProposalIndex index =
          new ProposalIndex(database, chain, chain, signer, ProposalIndex.DEFAULT_EXPIRY_BLOCKS);
      long t0 = System.nanoTime();
      int accepted = index.sync();
      double ingestSeconds = (System.nanoTime() - t0) / 1e9;

      List<Double> latencies = new ArrayList<>();
      for (int q = 0; q < 2_000; q++) {
        String country = countries.get(Math.min(199, (int) Math.abs(random.nextGaussian() * 40)));
        ProposalIndex.Query query =
            new ProposalIndex.Query(
                Optional.of(q % 2 == 0 ? "wireguard" : "socks5"),
                Optional.of(country),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(
                    BigInteger.valueOf(random.nextInt(1_000_000)).multiply(BigInteger.TEN.pow(9))),
                Optional.empty(),
                false,
                50);
        long q0 = System.nanoTime();
        index.search(query, block);
        if (q >= 200) { // warm-up
          latencies.add((System.nanoTime() - q0) / 1e6);
        }
      }
      List<Double> sorted = latencies.stream().sorted().toList();
      System.out.printf(
          "BENCHMARK proposals: %d verified of %d announced in %.1f s = %.0f proposals/s (signature"
              + " recovery, registration, serial rules, SQLite); query country+type+max-price"
              + " sorted by price, limit 50, %d queries: p50 %.3f ms, p99 %.3f ms%n",
          accepted,
          PROVIDERS * 2,
          ingestSeconds,
          accepted / ingestSeconds,
          sorted.size(),
          sorted.get(sorted.size() / 2),
          sorted.get((int) (sorted.size() * 0.99)));
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  private static ChainEvent.Position at(long block, int log) {
    return new ChainEvent.Position(block, "0x" + block, log, "0x" + block + "-" + log);
  }
}
