package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.ProviderSessions;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider node announces what it was configured to offer (per-second metering, an origin apart
 * from where it is provided from, its bandwidth) and bills a consumer's session by the second, on
 * anvil, SQLite ledgers and loopback dialogues.
 */
class ProviderOfferingTest {
  @TempDir Path temp;

  @Test
  void aPerSecondOfferWithItsOwnOriginIsAnnouncedFoundAndBilledPerSecond() throws Exception {
    ProviderNode.Offering offering =
        new ProviderNode.Offering(
            Optional.of(new ServiceProposal.Place("NL", 1136)),
            ServiceProposal.Metering.PER_SECOND,
            2_000,
            ProviderSessions.Terms.DEFAULT_SESSIONS_PER_CONSUMER,
            ProviderSessions.Terms.DEFAULT_CONFIRMATION_DEADLINE);
    CompletableFuture<SessionEvents.Metering> closed = new CompletableFuture<>();
    SessionEvents providerEvents =
        new SessionEvents() {
          @Override
          public void sessionClosed(
              Address peer, String id, String reason, SessionEvents.Metering last) {
            closed.complete(last);
          }
        };
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("5"), Myst.parse("1"))) {
      ProviderNode provider =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 3320, "0.0001"),
              providerEvents,
              ClearingPolicy.defaults(),
              offering);
      assertThat(provider.proposal().metering()).isEqualTo(ServiceProposal.Metering.PER_SECOND);
      assertThat(provider.proposal().providedFrom())
          .isEqualTo(new ServiceProposal.Place("DE", 3320));
      assertThat(provider.proposal().origin()).isEqualTo(new ServiceProposal.Place("NL", 1136));
      assertThat(provider.proposal().bandwidthKbps()).isEqualTo(2_000);
      try (Database database = Database.open(temp.resolve("consumer.db"));
          ConsumerNode node =
              ConsumerNode.start(
                  consumer,
                  database,
                  network.client(),
                  network.deployment(),
                  Contact.parse("udp://127.0.0.1:0"))) {
        // the consumer finds it by its origin and its metering, as announced on chain
        List<ProposalIndex.Listing> found =
            node.search(
                new ProposalIndex.Query(
                    Optional.of("socks5"),
                    Optional.of("DE"),
                    Optional.of("NL"),
                    Optional.empty(),
                    Optional.of(ServiceProposal.Metering.PER_SECOND),
                    Optional.empty(),
                    Optional.of(2_000L),
                    false,
                    10));
        assertThat(found)
            .singleElement()
            .satisfies(l -> assertThat(l.proposal()).isEqualTo(provider.proposal()));
        long before = System.nanoTime();
        long inside;
        try (ConsumerSession session =
            node.connect(
                found,
                Myst.parse("0.05"),
                SessionEvents.none(),
                new Connector.Attempts() {},
                Duration.ofSeconds(10),
                (type, contact) ->
                    new network.mysterium.service.socks.Socks5Client(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))) {
          long connected = System.nanoTime();
          Thread.sleep(
              1500); // a measuring window: the session runs, carrying nothing, billed by time
          inside = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
        }
        long outside = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
        SessionEvents.Metering last = closed.get(20, TimeUnit.SECONDS);
        // the provider bills from the session's confirmation, a notice that may land a few ms
        // after the consumer's connect returned, to its close, after the consumer's window
        assertThat(last.durationMillis()).isBetween(inside - 100, outside);
        BigInteger expected =
            Myst.parse("0.0001")
                .baseUnits()
                .multiply(BigInteger.valueOf(last.durationMillis()))
                .divide(BigInteger.valueOf(1000));
        assertThat(last.cost()).isEqualTo(expected).isPositive();
        assertThat(provider.accounts().consumed(consumer.address())).isEqualTo(expected);
      }
    }
  }
}
