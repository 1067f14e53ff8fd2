package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise sharing between providers (whitepaper 6.5.6), the test: a consumer with 1 MYST
 * deposited promises 0.6 to one provider, which tells the others (over dialogues, no server); a
 * second provider asked for 0.6 refuses it with the reason, and takes what the balance still
 * covers.
 */
class ExposureSharingTest {
  @TempDir Path temp;

  @Test
  void aSecondProviderCountsWhatTheFirstHoldsAndRefusesAnOverPromise() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("5"), Myst.parse("1"))) {
      ClearingPolicy atEnd =
          new ClearingPolicy(Myst.parse("1000"), Duration.ofDays(1), Duration.ofSeconds(1));
      ProviderNode first =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 1, "0.01"), SessionEvents.none(), atEnd);
      ProviderNode second =
          network.startProvider(
              new LocalNetwork.ProviderSpec("FR", 2, "0.01"), SessionEvents.none(), atEnd);
      try (Database database = Database.open(temp.resolve("consumer.db"));
          ConsumerNode node = Consumers.start(network, consumer, database);
          ConsumerSession toFirst = Consumers.connect(node, "DE", Myst.parse("0.6"))) {
        assertThat(first.promises().held(consumer.address())).hasSize(1);
        // the first tells the second (its index lists it) what it holds from the consumer
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (second.heldByOthers(consumer.address()).compareTo(Myst.parse("0.6")) < 0) {
          assertThat(System.nanoTime()).as("the report reaching the second").isLessThan(deadline);
          Thread.sleep(50);
        }
        assertThatThrownBy(() -> Consumers.connect(node, "FR", Myst.parse("0.6")))
            .hasMessageContaining("EXPOSURE_CAP");
        assertThat(second.promises().held(consumer.address())).isEmpty();
        // what the balance still covers once the first's promise is counted is fine
        try (ConsumerSession small = Consumers.connect(node, "FR", Myst.parse("0.3"))) {
          assertThat(second.promises().held(consumer.address())).hasSize(1);
        }
      }
    }
  }
}
