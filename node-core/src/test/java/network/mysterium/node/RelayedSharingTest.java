package network.mysterium.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.relay.Reachability;
import network.mysterium.relay.RelayRefusal;
import network.mysterium.relay.RelayServer;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node configured with a relay registers with it, says how it is reached, and while sharing lists
 * the relay's allocation among its proposal's contacts; a consumer that knows nothing of relays
 * opens its dialogue there and is served. (Loopback here; behind real NATs in the NAT tests.)
 */
class RelayedSharingTest {
  @TempDir Path temp;

  @Test
  void aSharingNodeIsReachedThroughTheAllocationItsRelayGaveIt() throws Exception {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (LocalNetwork network =
            LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
        RelayServer relay =
            RelayServer.start(loopback, loopback, identity -> true, RelayServer.Limits.DEFAULT)) {
      PrivateKey sharerKey = network.newIdentity(Myst.parse("1"), Myst.ZERO);
      NodeConfig config =
          network.nodeConfig(temp.resolve("sharer")).withRelays(List.of(relay.address()));
      try (Node sharer = Node.start(config, sharerKey)) {
        await(
            () -> sharer.reachability().kind() != Reachability.Kind.UNREACHABLE,
            "the relay's answer");
        Reachability reached = sharer.reachability();
        // the relay sees this node at 127.0.0.1, an address of this machine: no NAT between
        assertThat(reached.kind()).isEqualTo(Reachability.Kind.PUBLIC);
        assertThat(reached.relays())
            .singleElement()
            .satisfies(r -> assertThat(r.observed()).isEqualTo(sharer.contact().address()));

        ServiceProposal announced =
            sharer
                .sharing()
                .start(
                    LocalNetwork.providerConfig(
                        new LocalNetwork.ProviderSpec("FR", 3215, "0.01"),
                        ClearingPolicy.defaults(),
                        ProviderNode.Offering.defaults(),
                        Contact.parse("udp://127.0.0.1:0")));
        // advertised on loopback: left out, a remote consumer would knock at its own machine
        assertThat(announced.contacts())
            .containsExactly(reached.relayContacts().getFirst().toString());

        PrivateKey consumerKey = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
        try (Node consumer =
            Node.start(network.nodeConfig(temp.resolve("consumer")), consumerKey)) {
          consumer.connect(
              "FR",
              ConnectionOptions.socks5().withPaymentStep(Myst.parse("0.05")),
              SessionEvents.none());
          assertThat(sharer.sharing().sessions()).hasSize(1);
          assertThat(consumer.wallet().balances().uncleared().total())
              .isEqualTo(Myst.parse("0.05"));
          consumer.disconnect();
        }
        for (RelayRefusal reason : RelayRefusal.values()) {
          assertThat(relay.refused(reason)).as(reason.name()).isZero();
        }
      }
    }
  }

  private static void await(Callable<Boolean> condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
