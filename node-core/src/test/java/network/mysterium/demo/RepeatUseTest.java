package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coming back works, forever (issue 16, D1): a consumer uses the same provider session after
 * session, the provider clearing after each (its notice often lost, as the consumer leaves first),
 * with restarts of either side in between and a ledger started afresh; the chain always agrees with
 * both ledgers to the base unit.
 */
class RepeatUseTest {
  private static final Myst STEP = Myst.parse("0.05");
  private static final Myst DEPOSIT = Myst.parse("5");

  @TempDir Path temp;

  @Test
  void twentySessionsInARowWithOneProviderClearingAfterEachAndRestartsInBetween() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("6"), DEPOSIT);
        PrivateKey providerKey = network.newIdentity(Myst.parse("0"), Myst.parse("0"))) {
      Path providerDb = temp.resolve("provider/node.db");
      Files.createDirectories(providerDb.getParent());
      Path consumerDb = temp.resolve("consumer.db");
      ProviderNode provider = startProvider(network, providerKey, providerDb);
      Database database = Database.open(consumerDb);
      ConsumerNode node = startConsumer(network, consumer, database);
      try {
        for (int i = 1; i <= 20; i++) {
          ConsumerSession session;
          try {
            session = connect(node);
          } catch (network.mysterium.consumer.Connector.NoProviderException e) {
            throw new AssertionError(
                "session " + i + ": " + e.getMessage() + "; provider refused " + refused(provider),
                e);
          }
          assertThat(session.provider()).isEqualTo(providerKey.address());
          if (i % 7 == 0) {
            // the consumer vanishes: no session close, its node and ledger are dropped
            node.close();
            database.close();
            database = Database.open(consumerDb);
            node = startConsumer(network, consumer, database);
          } else {
            session.close();
          }
          ProviderNode current = provider;
          long clearedBefore = i - 1;
          await(() -> cleared(network, consumer, providerKey) > clearedBefore, "clearing " + i);
          await(() -> heldNone(current, consumer), "the ledger recording clearing " + i);
          if (i % 5 == 0) {
            // the provider restarts on its database; the consumer's next dialogue is a new one
            stop(provider);
            provider = startProvider(network, providerKey, providerDb);
          }
        }
        ProviderNode last = provider;
        await(() -> heldNone(last, consumer), "the last clearing");
        assertChainAgreesWithLedgers(network, consumer, providerKey, node, providerDb, 20);
      } finally {
        node.close();
        database.close();
        stop(provider);
      }
    }
  }

  @Test
  void aConsumerWhoseIdentityIsImportedIntoAFreshDataDirectoryPaysTheSameProviderAgain()
      throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("6"), DEPOSIT);
        PrivateKey providerKey = network.newIdentity(Myst.parse("0"), Myst.parse("0"))) {
      Path providerDb = temp.resolve("provider/node.db");
      Files.createDirectories(providerDb.getParent());
      ProviderNode provider = startProvider(network, providerKey, providerDb);
      try {
        for (int dir = 1; dir <= 3; dir++) {
          // the same key, a new data directory each time: its ledger knows nothing of the past
          Files.createDirectories(temp.resolve("fresh-" + dir));
          try (Database database = Database.open(temp.resolve("fresh-" + dir + "/node.db"));
              ConsumerNode node = startConsumer(network, consumer, database)) {
            connect(node).close();
            long expected = dir;
            await(() -> cleared(network, consumer, providerKey) >= expected, "clearing " + dir);
            assertThat(node.totalPromised(providerKey.address())).isEqualTo(STEP);
          }
        }
        PaymentsContract payments = payments(network);
        assertThat(payments.balanceOf(consumer.address().toString()))
            .isEqualTo(
                DEPOSIT.baseUnits().subtract(STEP.baseUnits().multiply(BigInteger.valueOf(3))));
      } finally {
        stop(provider);
      }
    }
  }

  /** The datagrams the provider refused, by reason: what a failed connect needs to be read. */
  private static String refused(ProviderNode provider) {
    StringBuilder out = new StringBuilder();
    for (network.mysterium.messaging.Rejection r : network.mysterium.messaging.Rejection.values()) {
      long n = provider.datagramRejections().get(r);
      if (n > 0) {
        out.append(r).append('=').append(n).append(' ');
      }
    }
    return out.isEmpty() ? "nothing" : out.toString().strip();
  }

  private static ConsumerSession connect(ConsumerNode node) throws Exception {
    List<String> failures = new ArrayList<>();
    ConsumerSession session =
        node.connect(
            node.search(ProposalIndex.Query.of(Optional.of("socks5"), Optional.empty(), 10)),
            STEP,
            SessionEvents.none(),
            new Connector.Attempts() {
              @Override
              public void failed(ServiceProposal candidate, String reason) {
                failures.add(reason);
              }
            },
            Duration.ofSeconds(10),
            (type, contact) ->
                new network.mysterium.service.socks.Socks5Client(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    // the user never sees a refusal for a serial: the consumer resyncs and pays again
    assertThat(failures).isEmpty();
    return session;
  }

  private static ConsumerNode startConsumer(LocalNetwork network, PrivateKey key, Database database)
      throws Exception {
    return ConsumerNode.start(
        key, database, network.client(), network.deployment(), Contact.parse("udp://127.0.0.1:0"));
  }

  /** A provider on its own key and database, so it can be restarted on them. */
  private static ProviderNode startProvider(LocalNetwork network, PrivateKey key, Path db)
      throws Exception {
    Database database = Database.open(db);
    try {
      ProviderNode node =
          ProviderNode.start(
              new ProviderNode.Config(
                  "socks5",
                  null,
                  Contact.parse("udp://127.0.0.1:0"),
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                  "127.0.0.1",
                  new ServiceProposal.Place("DE", 1),
                  Myst.parse("0.01"),
                  Myst.parse("0.01"),
                  Myst.parse("1"),
                  Myst.parse("0"),
                  Duration.ofMillis(500),
                  Duration.ofSeconds(5),
                  true,
                  ClearingPolicy.defaults()),
              key,
              database,
              network.client(),
              network.deployment(),
              Duration.ofMinutes(1),
              SessionEvents.none());
      DATABASES.put(node, database);
      return node;
    } catch (Exception e) {
      database.close();
      throw e;
    }
  }

  /** Stops a provider and closes its database (a restart reopens the same file). */
  private static void stop(ProviderNode provider) {
    provider.close();
    DATABASES.remove(provider).close();
  }

  // each provider's database, to close with it (per test class run; emptied by stop)
  private static final java.util.Map<ProviderNode, Database> DATABASES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static long cleared(LocalNetwork network, PrivateKey consumer, PrivateKey provider)
      throws Exception {
    return payments(network)
        .lastClearedSerial(consumer.address().toString(), provider.address().toString())
        .longValueExact();
  }

  private static boolean heldNone(ProviderNode provider, PrivateKey consumer) {
    try {
      return provider.promises().held(consumer.address()).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  private static PaymentsContract payments(LocalNetwork network) {
    return new PaymentsContract(network.client(), network.deployment().payments());
  }

  /** Chain balances against the consumer's ledger and the provider's, to the base unit. */
  private static void assertChainAgreesWithLedgers(
      LocalNetwork network,
      PrivateKey consumer,
      PrivateKey provider,
      ConsumerNode node,
      Path providerDb,
      int sessions)
      throws Exception {
    BigInteger promised = node.totalPromised(provider.address()).baseUnits();
    BigInteger clearedInLedger;
    try (Database db = Database.open(providerDb)) {
      clearedInLedger =
          db.transaction(
              c -> {
                BigInteger sum = BigInteger.ZERO;
                try (var rows =
                    c.prepareStatement(
                            "SELECT amount FROM received_promises WHERE state = 'CLEARED'")
                        .executeQuery()) {
                  while (rows.next()) {
                    sum = sum.add(new BigInteger(rows.getString(1)));
                  }
                }
                return sum;
              });
    }
    BigInteger paid = STEP.baseUnits().multiply(BigInteger.valueOf(sessions));
    PaymentsContract payments = payments(network);
    assertThat(promised).isEqualTo(paid);
    assertThat(clearedInLedger).isEqualTo(paid);
    assertThat(payments.balanceOf(consumer.address().toString()))
        .isEqualTo(DEPOSIT.baseUnits().subtract(paid));
    BigInteger fee =
        paid.multiply(BigInteger.valueOf(LocalNetwork.FEE_BASIS_POINTS))
            .divide(BigInteger.valueOf(10_000));
    assertThat(payments.balanceOf(provider.address().toString())).isEqualTo(paid.subtract(fee));
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
