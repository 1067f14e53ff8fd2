package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
import network.mysterium.session.SpendLimit;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer downloading more than its spending limit allows, from an honest provider: it pays up
 * to the limit, then ends the session itself, saying why, before the provider's grace runs out.
 */
class SpendLimitTest {
  @TempDir Path temp;

  @Test
  void aConsumerAtItsLimitEndsTheSessionItselfAndPaysNoMore() throws Exception {
    try (LoopbackWeb web = new LoopbackWeb(40 << 20);
        LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey providerKey = network.newIdentity(Myst.parse("0"), Myst.parse("0"));
        Database providerDb = Database.open(temp.resolve("provider.db"));
        ProviderNode provider =
            network.startProvider(
                new LocalNetwork.ProviderSpec("DE", 3320, "0.01"),
                SessionEvents.none(),
                ClearingPolicy.defaults(),
                providerKey,
                providerDb,
                Contact.parse("udp://127.0.0.1:0"));
        PrivateKey consumer = network.newIdentity(Myst.parse("10"), Myst.parse("1"));
        Database db = Database.open(temp.resolve("consumer.db"));
        ConsumerNode node =
            ConsumerNode.start(
                consumer,
                db,
                network.client(),
                network.deployment(),
                Contact.parse("udp://127.0.0.1:0"))) {
      node.spendLimit(new SpendLimit(Myst.parse("0.03"), Myst.parse("2")));
      List<ProposalIndex.Listing> found =
          node.search(ProposalIndex.Query.of(Optional.of("socks5"), Optional.empty(), 10));
      ConsumerSession session = SessionBenchmark.connect(node, found); // pays 0.01 a step
      try {
        web.fetch(session.socksAddress(), "/bulk", false); // 40 MiB at 0.01 a MB: 0.42 MYST
      } catch (java.io.IOException e) {
        // cut off with the session
      }
      String reason = session.closedByProvider().get(30, TimeUnit.SECONDS);
      assertThat(session.endedBy()).as(reason).isEqualTo(ConsumerSession.Failure.SPEND_LIMIT);
      assertThat(reason).startsWith("SPEND_LIMIT").contains("0.03 MYST per session");
      assertThat(node.totalPromised(providerKey.address())).isEqualTo(Myst.parse("0.03"));
    }
  }
}
