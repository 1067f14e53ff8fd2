package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import network.mysterium.chain.ChainIndex;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.IdentityRegistryContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.IssuerTrust;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whitepaper 6.5.6, the stake at risk: a consumer with 1 MYST deposited promises 0.6 to each of two
 * providers (each checks only the chain's balance). The first clears in full; the second finds the
 * balance short and clears against the consumer's stake, which defaults the identity on chain. From
 * then on every node refuses its promises and drops its proposals, until it registers again.
 */
class StakeAtRiskTest {
  private static final Myst STEP = Myst.parse("0.6");

  @TempDir Path temp;

  @Test
  void aPromiseTheBalanceCannotPayIsClearedAgainstTheStakeAndTheIdentityIsRefusedEverywhere()
      throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("5"), Myst.parse("1"))) {
      // providers that clear only at session end (none by value or age within the test)
      ClearingPolicy atEnd =
          new ClearingPolicy(Myst.parse("1000"), Duration.ofDays(1), Duration.ofSeconds(1));
      // providers that do not share what they hold (ExposureSharingTest shows those that do): the
      // second cannot know of the first's promise
      ProviderNode.Offering alone =
          ProviderNode.Offering.defaults().requiring(IssuerTrust.NONE.alone());
      ProviderNode first =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 1, "0.01"), SessionEvents.none(), atEnd, alone);
      ProviderNode second =
          network.startProvider(
              new LocalNetwork.ProviderSpec("FR", 2, "0.01"), SessionEvents.none(), atEnd, alone);
      PaymentsContract payments =
          new PaymentsContract(network.client(), network.deployment().payments());
      IdentityRegistryContract registry =
          new IdentityRegistryContract(network.client(), network.deployment().identityRegistry());
      BigInteger stake = registry.stakeOf(consumer.address().toString());
      try (Database database = Database.open(temp.resolve("consumer.db"));
          ConsumerNode node = Consumers.start(network, consumer, database)) {
        ConsumerSession toFirst = Consumers.connect(node, "DE", STEP);
        ConsumerSession toSecond = Consumers.connect(node, "FR", STEP);
        assertThat(first.promises().held(consumer.address())).hasSize(1);
        assertThat(second.promises().held(consumer.address())).hasSize(1);

        toFirst.close();
        Consumers.await(
            () -> first.promises().lastCleared(consumer.address()) == 1, "the first clearing");
        toSecond.close();
        Consumers.await(
            () -> second.promises().lastCleared(consumer.address()) == 1, "the second clearing");

        // the second got the 0.4 left and 0.2 of the stake: all it was promised
        assertThat(payments.balanceOf(consumer.address().toString())).isZero();
        BigInteger fromStake = STEP.baseUnits().subtract(Myst.parse("0.4").baseUnits());
        assertThat(registry.stakeOf(consumer.address().toString()))
            .isEqualTo(stake.subtract(fromStake));
        assertThat(registry.isDefaulted(consumer.address().toString())).isTrue();
        assertThat(
                new network.mysterium.chain.ChainWallet(network.client(), network.deployment())
                    .balances(consumer.address())
                    .defaulted())
            .isTrue();

        // every node follows it: the consumer's own index says so, and a provider refuses it
        Consumers.await(
            () -> new ChainIndex(database).isDefaulted(consumer.address()),
            "the default in the consumer's index");
        // the provider's own index refuses its promises: the connect's first payment is refused
        Consumers.await(() -> refusedAsDefaulted(node), "the first provider refusing it");
      }
    }
  }

  private static boolean refusedAsDefaulted(ConsumerNode node) throws Exception {
    try {
      Consumers.connect(node, "DE", STEP).close();
      return false;
    } catch (Connector.NoProviderException e) {
      assertThat(e.getMessage()).contains("ISSUER_DEFAULTED");
      return true;
    }
  }
}
