package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A provider that clears at a value threshold does so mid-session; payments go on after. */
class ClearingPolicyTest {
  @TempDir Path temp;

  @Test
  void promisesReachingTheThresholdAreClearedWhileTheSessionRunsAndTheNextPaymentIsANewSerial()
      throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("5"), Myst.parse("1"))) {
      ProviderNode provider =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 1, "0.01"),
              SessionEvents.none(),
              new ClearingPolicy(Myst.parse("0.05"), Duration.ofDays(1), Duration.ofMillis(200)));
      try (Database database = Database.open(temp.resolve("consumer.db"));
          ConsumerNode node =
              ConsumerNode.start(
                  consumer,
                  database,
                  network.client(),
                  network.deployment(),
                  Contact.parse("udp://127.0.0.1:0"));
          ConsumerSession session =
              node.connect(
                  node.search(ProposalIndex.Query.of(Optional.of("socks5"), Optional.empty(), 10)),
                  Myst.parse("0.05"),
                  SessionEvents.none(),
                  new Connector.Attempts() {},
                  Duration.ofSeconds(10),
                  (type, contact) ->
                      new network.mysterium.service.socks.Socks5Client(
                          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (provider.promises().lastCleared(consumer.address()) == 0
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(provider.promises().lastCleared(consumer.address())).isEqualTo(1);
        assertThat(session.closedByProvider()).isNotDone(); // cleared mid-session

        // the provider asked for a new promise before clearing: the next payment is serial 2
        session.pay(Myst.parse("0.02"));
        assertThat(provider.promises().held(consumer.address()))
            .singleElement()
            .satisfies(p -> assertThat(p.promise().serial()).isEqualTo(2));
      }
    }
  }
}
