package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
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
 * History before trust (whitepaper 6.5.6): an offer for consumers with a clearing history refuses a
 * newcomer with the reason, by code, and serves it once the chain shows a promise of it cleared
 * elsewhere; an offer asking for a balance refuses one that holds less.
 */
class IssuerTrustTest {
  @TempDir Path temp;

  @Test
  void anOfferAskingForAClearedPromiseServesANewcomerOnlyOnceItHasOne() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("5"), Myst.parse("1"))) {
      ProviderNode.Offering picky =
          ProviderNode.Offering.defaults().requiring(new IssuerTrust(1, Myst.parse("0.5")));
      network.startProvider(
          new LocalNetwork.ProviderSpec("DE", 1, "0.01"),
          SessionEvents.none(),
          ClearingPolicy.defaults(),
          picky);
      ProviderNode open =
          network.startProvider(
              new LocalNetwork.ProviderSpec("FR", 2, "0.01"), SessionEvents.none());
      try (Database database = Database.open(temp.resolve("consumer.db"));
          ConsumerNode node = Consumers.start(network, consumer, database)) {
        assertThatThrownBy(() -> Consumers.connect(node, "DE", Myst.parse("0.05")))
            .hasMessageContaining("HISTORY_REQUIRED")
            .hasMessageContaining("1 cleared promises; the chain has 0");

        Consumers.connect(node, "FR", Myst.parse("0.05"))
            .close(); // a session elsewhere, cleared at its end
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (open.promises().lastCleared(consumer.address()) == 0) {
          assertThat(System.nanoTime()).as("the clearing elsewhere").isLessThan(deadline);
          Thread.sleep(100);
        }
        // the picky provider reads the clearing from the chain events it follows
        ConsumerSession served = null;
        while (served == null) {
          try {
            served = Consumers.connect(node, "DE", Myst.parse("0.05"));
          } catch (Connector.NoProviderException e) {
            assertThat(e.getMessage()).contains("HISTORY_REQUIRED");
            assertThat(System.nanoTime()).as("served once it has a history").isLessThan(deadline);
            Thread.sleep(200);
          }
        }
        served.close();
      }
    }
  }

  @Test
  void aShortfallSaysWhatIsMissing() {
    IssuerTrust asks = new IssuerTrust(2, Myst.parse("1"));
    assertThat(asks.shortfall(1, Myst.parse("5"))).get().asString().contains("2 cleared");
    assertThat(asks.shortfall(2, Myst.parse("0.5"))).get().asString().contains("1 MYST");
    assertThat(asks.shortfall(2, Myst.parse("1"))).isEmpty();
    assertThat(IssuerTrust.NONE.shortfall(0, Myst.ZERO)).isEmpty();
  }
}
