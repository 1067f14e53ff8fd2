package network.mysterium.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
import network.mysterium.contracts.ProposalExpiry;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay's proposal (whitepaper 6.6) stays in the market as a provider's does: announced again
 * past half the deployment's expiry window, so another node still lists it after the first
 * announcement alone would have expired; and only a registered identity's is announced at all.
 */
class KeptAnnouncementTest {
  @TempDir Path temp;

  private static ServiceProposal relayOffer(Address relay) {
    ServiceProposal.Place place = new ServiceProposal.Place("NL", 1136);
    return new ServiceProposal(
        ServiceProposal.FORMAT_VERSION,
        relay,
        1,
        ServiceTypes.RELAY,
        place,
        place,
        100_000,
        ServiceProposal.Metering.PER_MEGABYTE,
        Myst.parse("0.001"),
        List.of("udp://203.0.113.5:7000"));
  }

  @Test
  void aRelaysProposalIsAnnouncedAgainPastHalfTheWindowAndStaysListedPastTheFirstExpiry()
      throws Exception {
    try (LocalNetwork network =
        LocalNetwork.start(
            AnvilExtension.binary(),
            temp.resolve("net"),
            (k, a) -> {},
            new ProposalExpiry(40, Duration.ofDays(1)))) {
      PrivateKey relayKey = network.newIdentity(Myst.ZERO, Myst.ZERO);
      PrivateKey searcherKey = network.newIdentity(Myst.ZERO, Myst.ZERO);
      NodeConfig relayConfig =
          network.nodeConfig(temp.resolve("relay")).withReannounceCheck(Duration.ofMillis(200));
      try (Node relay = Node.start(relayConfig, relayKey);
          Node searcher = Node.start(network.nodeConfig(temp.resolve("searcher")), searcherKey);
          KeptAnnouncement kept = relay.sharing().keepAnnounced(relayOffer(relay.address()))) {
        long first = awaitListed(searcher, relay.address(), block -> block > 0);
        assertThat(kept.proposal().contacts()).containsExactly("udp://203.0.113.5:7000");

        network.anvil().mine(25); // past half of 40
        long again = awaitListed(searcher, relay.address(), block -> block > first);
        assertThat(again).isGreaterThanOrEqualTo(first + 25);

        network.anvil().mine(30); // the first announcement is 55 blocks old: expired alone
        assertThat(awaitListed(searcher, relay.address(), block -> block >= again))
            .isGreaterThanOrEqualTo(again);
      }
    }
  }

  @Test
  void anUnregisteredIdentityIsToldSoAndNothingIsAnnounced() throws Exception {
    try (LocalNetwork network =
        LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {})) {
      PrivateKey stranger = PrivateKey.generate(new java.security.SecureRandom());
      network.fundUnregistered(stranger, Myst.ZERO);
      try (Node relay = Node.start(network.nodeConfig(temp.resolve("relay")), stranger)) {
        long before = network.client().blockNumber();
        assertThatThrownBy(() -> relay.sharing().keepAnnounced(relayOffer(relay.address())))
            .isInstanceOfSatisfying(
                NodeException.class,
                e -> assertThat(e.code()).isEqualTo(NodeException.Code.NOT_REGISTERED));
        assertThat(network.client().blockNumber()).as("no transaction sent").isEqualTo(before);
      }
    }
  }

  /** The block from which {@code searcher} lists the relay's proposal, once {@code wanted}. */
  private static long awaitListed(Node searcher, Address relay, LongPredicate wanted)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      long block =
          searcher
              .search(ProposalIndex.Query.of(Optional.of(ServiceTypes.RELAY), Optional.empty(), 10))
              .stream()
              .filter(l -> l.proposal().provider().equals(relay))
              .mapToLong(ProposalIndex.Listing::announcedBlock)
              .findFirst()
              .orElse(-1);
      if (wanted.test(block)) {
        return block;
      }
      assertThat(System.nanoTime()).as("listed from block %d", block).isLessThan(deadline);
      Thread.sleep(100); // the searcher's follower polls the chain: nothing else to await
    }
  }
}
