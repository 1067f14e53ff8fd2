package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peers that go away: the consumer falls over, the provider clears what it holds. */
class VanishingPeersTest {
  @TempDir Path temp;

  private static ProposalIndex.Query socks5In(String country) {
    return ProposalIndex.Query.of(Optional.of("socks5"), Optional.of(country), 10);
  }

  @Test
  void aVanishedProviderIsSkippedForTheNextAndAVanishedConsumerIsStillCharged() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("5"), Myst.parse("1"))) {
      ProviderNode cheap =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 1, "0.01"), SessionEvents.none());
      ProviderNode dearer =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 2, "0.02"), SessionEvents.none());
      cheap.close(); // gone, but its proposal is still on chain
      PaymentsContract payments =
          new PaymentsContract(network.client(), network.deployment().payments());
      Database database = Database.open(temp.resolve("consumer.db"));
      ConsumerNode node =
          ConsumerNode.start(
              consumer,
              database,
              network.client(),
              network.deployment(),
              Contact.parse("udp://127.0.0.1:0"));
      try {
        List<ProposalIndex.Listing> found = node.search(socks5In("DE"));
        assertThat(found)
            .extracting(l -> l.proposal().provider())
            .containsExactly(cheap.address(), dearer.address());
        List<String> attempts = new ArrayList<>();
        ConsumerSession session =
            node.connect(
                found,
                Myst.parse("0.05"),
                SessionEvents.none(),
                new Connector.Attempts() {
                  @Override
                  public void failed(ServiceProposal candidate, String reason) {
                    attempts.add(candidate.provider() + ": " + reason);
                  }
                },
                Duration.ofSeconds(12),
                (type, contact) ->
                    new network.mysterium.service.socks.Socks5Client(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        assertThat(attempts).singleElement().asString().startsWith(cheap.address().toString());
        assertThat(Demo.fetchThroughSocks(session.socksAddress(), "localhost", startWeb()))
            .isEqualTo(Demo.PAGE.length);
        // the consumer vanishes without closing its session: the provider ends it and clears
        node.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dearer.promises().lastCleared(consumer.address()) == 0
            && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        BigInteger cleared = Myst.parse("0.05").baseUnits();
        assertThat(dearer.promises().held(consumer.address())).isEmpty();
        assertThat(payments.balanceOf(dearer.address().toString()))
            .isEqualTo(cleared.subtract(cleared.divide(BigInteger.valueOf(100))));
      } finally {
        node.close();
        database.close();
        if (web != null) {
          web.stop(0);
        }
      }
    }
  }

  private com.sun.net.httpserver.HttpServer web;

  private int startWeb() throws Exception {
    web =
        com.sun.net.httpserver.HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, Demo.PAGE.length);
          exchange.getResponseBody().write(Demo.PAGE);
          exchange.close();
        });
    web.start();
    return web.getAddress().getPort();
  }
}
