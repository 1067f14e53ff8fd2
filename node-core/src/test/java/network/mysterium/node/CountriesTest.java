package network.mysterium.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ProviderSessions;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's countries and their lowest price (issue 16 item 6, D7): a per-second offer counts by
 * its per-MB equivalent at the stated 1,000 MB an hour, never by its raw unit price. Providers
 * announce on anvil; the node indexes them as any consumer does.
 */
class CountriesTest {
  @TempDir Path temp;

  private static ProviderNode.Offering perSecond() {
    return new ProviderNode.Offering(
        Optional.empty(),
        ServiceProposal.Metering.PER_SECOND,
        ProviderNode.Offering.DEFAULT_BANDWIDTH_KBPS,
        ProviderSessions.Terms.DEFAULT_SESSIONS_PER_CONSUMER,
        ProviderSessions.Terms.DEFAULT_CONFIRMATION_DEADLINE);
  }

  @Test
  void aPerSecondOfferCountsByItsPerMegabyteEquivalentInItsCountrysLowestPrice() throws Exception {
    try (LocalNetwork network =
        LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {})) {
      // DE: 0.01 per MB (10 MYST an hour at 1,000 MB) and 0.001 per second (3.6 MYST an hour,
      // 0.0036 per MB): raw unit prices would name 0.001, the per-second one's own unit price
      network.startProvider(
          new LocalNetwork.ProviderSpec("DE", 3320, "0.01"), SessionEvents.none());
      network.startProvider(
          new LocalNetwork.ProviderSpec("DE", 3320, "0.001"),
          SessionEvents.none(),
          ClearingPolicy.defaults(),
          perSecond());
      // FR: per second only, 0.00001 (0.036 MYST an hour, 0.000036 per MB)
      network.startProvider(
          new LocalNetwork.ProviderSpec("FR", 3215, "0.00001"),
          SessionEvents.none(),
          ClearingPolicy.defaults(),
          perSecond());
      try (PrivateKey key = network.newIdentity(Myst.parse("1"), Myst.parse("0"));
          Node node = Node.start(network.nodeConfig(temp.resolve("consumer")), key)) {
        assertThat(node.countries(ServiceTypes.SOCKS5))
            .containsExactly(
                new Node.CountryRow("DE", 2, Myst.parse("0.0036")),
                new Node.CountryRow("FR", 1, Myst.parse("0.000036")));
      }
    }
  }
}
