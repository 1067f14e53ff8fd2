package network.mysterium.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.ProposalExpiry;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers stay findable (whitepaper 6.4.1): a running provider announces again once half the
 * deployment's expiry window has passed, in blocks or in the chain's time; a restarted one when its
 * last announcement is that old; an identity in a fresh database continues above the serial the
 * chain has. A consumer on the same chain is the judge: is the provider listed, from which block.
 */
class ReannouncingTest {
  private static final LocalNetwork.ProviderSpec SPEC =
      new LocalNetwork.ProviderSpec("DE", 1, "0.01");

  @TempDir Path temp;
  private final List<AutoCloseable> consumerParts = new ArrayList<>();

  @AfterEach
  void closeConsumerParts() throws Exception {
    for (AutoCloseable part : consumerParts.reversed()) {
      part.close();
    }
  }

  @Test
  void aRunningProviderAnnouncesAgainPastHalfTheWindowInBlocksAndStaysListedPastTheFirstExpiry()
      throws Exception {
    try (LocalNetwork network = network(new ProposalExpiry(40, Duration.ofDays(1)));
        ConsumerNode consumer = consumer(network)) {
      ProviderNode provider = network.startProvider(SPEC, SessionEvents.none());
      long first = listedAt(consumer, provider.address());
      assertThat(first).isPositive();

      network.anvil().mine(25); // past half of 40
      long again = awaitListed(consumer, provider.address(), block -> block > first);
      assertThat(again).isGreaterThanOrEqualTo(first + 25);

      network.anvil().mine(30); // the first announcement is 55 blocks old: expired alone
      assertThat(listedAt(consumer, provider.address())).isGreaterThanOrEqualTo(again);
      assertThat(serialListed(consumer, provider.address()))
          .isEqualTo(provider.proposal().serial());
    }
  }

  @Test
  void aRunningProviderAnnouncesAgainPastHalfTheWindowInTimeAndAStoppedOneExpiresByTime()
      throws Exception {
    try (LocalNetwork network = network(new ProposalExpiry(10_000, Duration.ofSeconds(60)));
        ConsumerNode consumer = consumer(network)) {
      ProviderNode provider = network.startProvider(SPEC, SessionEvents.none());
      long first = listedAt(consumer, provider.address());

      network.anvil().call("evm_increaseTime", 31); // past half of 60 s, only 1 block later
      network.anvil().mine(1);
      long again = awaitListed(consumer, provider.address(), block -> block > first);
      assertThat(again - first).isLessThan(10_000 / 2);

      provider.close();
      network.anvil().call("evm_increaseTime", 61); // far inside the block bound
      network.anvil().mine(1);
      assertThat(listedAt(consumer, provider.address())).as("expired by time").isEqualTo(-1);
    }
  }

  @Test
  void aRestartAnnouncesOnlyWhenTheLastAnnouncementIsPastHalfTheWindow() throws Exception {
    try (LocalNetwork network = network(new ProposalExpiry(40, Duration.ofDays(1)));
        ConsumerNode consumer = consumer(network);
        PrivateKey key = network.newIdentity(Myst.parse("0"), Myst.parse("0"));
        Database database = Database.open(temp.resolve("provider.db"))) {
      Contact listen;
      long first;
      try (ProviderNode provider =
          start(network, key, database, Contact.parse("udp://127.0.0.1:0"))) {
        listen = provider.contact();
        first = listedAt(consumer, key.address());
      }
      network.anvil().mine(5);
      try (ProviderNode restarted = start(network, key, database, listen)) {
        assertThat(listedAt(consumer, key.address()))
            .as("fresh: not announced again")
            .isEqualTo(first);
        assertThat(restarted.proposal().serial()).isEqualTo(1);
      }
      network.anvil().mine(20); // 25 blocks: past half of 40
      try (ProviderNode restarted = start(network, key, database, listen)) {
        assertThat(listedAt(consumer, key.address())).isGreaterThan(first + 20);
        assertThat(restarted.proposal().serial())
            .as("the same offer, the same serial")
            .isEqualTo(1);
      }
    }
  }

  @Test
  void anIdentityInAFreshDatabaseContinuesAboveTheSerialOnChainAndIsNotSuperseded()
      throws Exception {
    try (LocalNetwork network = network(ProposalExpiry.DEFAULT);
        ConsumerNode consumer = consumer(network);
        PrivateKey key = network.newIdentity(Myst.parse("0"), Myst.parse("0"))) {
      try (Database first = Database.open(temp.resolve("first.db"))) {
        start(network, key, first, "0.01").close();
        try (ProviderNode repriced = start(network, key, first, "0.02")) {
          assertThat(repriced.proposal().serial()).isEqualTo(2);
        }
      }
      // the identity imported on another machine: nothing of the first database comes along
      try (Database fresh = Database.open(temp.resolve("fresh.db"));
          ProviderNode provider = start(network, key, fresh, "0.03")) {
        assertThat(provider.proposal().serial()).isEqualTo(3);
        assertThat(consumer.search(ProposalIndex.Query.all()))
            .filteredOn(l -> l.proposal().provider().equals(key.address()))
            .singleElement()
            .satisfies(
                l -> {
                  assertThat(l.proposal().serial()).isEqualTo(3);
                  assertThat(l.proposal().pricePerUnit()).isEqualTo(Myst.parse("0.03"));
                });
      }
    }
  }

  private LocalNetwork network(ProposalExpiry expiry) throws Exception {
    return LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {}, expiry);
  }

  private ConsumerNode consumer(LocalNetwork network) throws Exception {
    PrivateKey key = network.newIdentity(Myst.parse("1"), Myst.parse("0"));
    consumerParts.add(key);
    Database database = Database.open(temp.resolve("consumer-" + key.address() + ".db"));
    consumerParts.add(database);
    return ConsumerNode.start(
        key, database, network.client(), network.deployment(), Contact.parse("udp://127.0.0.1:0"));
  }

  private static ProviderNode start(
      LocalNetwork network, PrivateKey key, Database database, Contact listen) throws Exception {
    return network.startProvider(
        SPEC, SessionEvents.none(), ClearingPolicy.defaults(), key, database, listen);
  }

  private static ProviderNode start(
      LocalNetwork network, PrivateKey key, Database database, String price) throws Exception {
    return network.startProvider(
        new LocalNetwork.ProviderSpec("DE", 1, price),
        SessionEvents.none(),
        ClearingPolicy.defaults(),
        key,
        database,
        Contact.parse("udp://127.0.0.1:0"));
  }

  /** The block the consumer lists the provider's proposal from, or -1 when it is not listed. */
  private static long listedAt(ConsumerNode consumer, Address provider) throws Exception {
    return consumer.search(ProposalIndex.Query.all()).stream()
        .filter(l -> l.proposal().provider().equals(provider))
        .mapToLong(ProposalIndex.Listing::announcedBlock)
        .findFirst()
        .orElse(-1);
  }

  private static long serialListed(ConsumerNode consumer, Address provider) throws Exception {
    return consumer.search(ProposalIndex.Query.all()).stream()
        .filter(l -> l.proposal().provider().equals(provider))
        .mapToLong(l -> l.proposal().serial())
        .findFirst()
        .orElse(-1);
  }

  private static long awaitListed(ConsumerNode consumer, Address provider, LongPredicate wanted)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long block = listedAt(consumer, provider);
    while (!wanted.test(block) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      block = listedAt(consumer, provider);
    }
    assertThat(wanted.test(block)).as("listed from block %d", block).isTrue();
    return block;
  }
}
