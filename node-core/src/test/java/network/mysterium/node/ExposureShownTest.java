package network.mysterium.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.IssuerExposure;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared exposure as the facade shows it (whitepaper 6.5.6), on anvil: a consumer's wallet says
 * what it promised that providers have not cleared, per provider, until the chain shows it cleared;
 * a sharing node says, per consumer, what it holds, what other providers reported holding, and what
 * its check still accepts. Every amount is one the test promised or deposited.
 */
class ExposureShownTest {
  @TempDir static Path temp;
  private static LocalNetwork network;
  private static ProviderNode german;

  @BeforeAll
  static void network() throws Exception {
    network = LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
    // holds what it is promised until a session ends (the policy's value and age never reached)
    german =
        network.startProvider(
            new LocalNetwork.ProviderSpec("DE", 3320, "0.01"),
            SessionEvents.none(),
            new ClearingPolicy(Myst.parse("1000"), Duration.ofDays(1), Duration.ofSeconds(1)));
  }

  @AfterAll
  static void stop() throws Exception {
    network.close();
  }

  @Test
  void aWalletShowsWhatAProviderHoldsUnclearedUntilTheChainShowsItCleared() throws Exception {
    PrivateKey key = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
    try (Node consumer = Node.start(network.nodeConfig(temp.resolve("consumer")), key)) {
      assertThat(consumer.wallet().balances().uncleared()).isEqualTo(NodeWallet.Uncleared.NONE);
      consumer.connect(
          "DE",
          ConnectionOptions.socks5().withPaymentStep(Myst.parse("0.6")),
          SessionEvents.none());
      NodeWallet.Uncleared held = consumer.wallet().balances().uncleared();
      assertThat(held.total()).isEqualTo(Myst.parse("0.6"));
      assertThat(held.byProvider())
          .containsExactly(new NodeWallet.Owed(german.address(), Myst.parse("0.6")));

      consumer.disconnect(); // the provider clears at the session's end
      await(
          () -> consumer.wallet().uncleared().total().baseUnits().signum() == 0,
          "the clearing in the consumer's index");
      assertThat(consumer.wallet().balances().uncleared()).isEqualTo(NodeWallet.Uncleared.NONE);
      assertThat(consumer.wallet().balances().paymentsAccount()).isEqualTo(Myst.parse("0.4"));
      assertThat(consumer.wallet().promises())
          .singleElement()
          .satisfies(p -> assertThat(p.cleared()).isTrue());
    }
  }

  @Test
  void aSharingNodeShowsWhatItHoldsWhatOthersHoldAndWhatItStillAccepts() throws Exception {
    PrivateKey sharerKey = network.newIdentity(Myst.parse("1"), Myst.parse("0"));
    try (PrivateKey consumerKey = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
        Node sharer = Node.start(network.nodeConfig(temp.resolve("sharer")), sharerKey)) {
      sharer
          .sharing()
          .start(
              LocalNetwork.providerConfig(
                  new LocalNetwork.ProviderSpec("FR", 3215, "0.01"),
                  new ClearingPolicy(Myst.parse("1000"), Duration.ofDays(1), Duration.ofSeconds(1)),
                  ProviderNode.Offering.defaults(),
                  Contact.parse("udp://127.0.0.1:0")));
      assertThat(sharer.sharing().exposures()).isEmpty();
      try (Database database = Database.open(temp.resolve("its-consumer.db"));
          ConsumerNode node =
              ConsumerNode.start(
                  consumerKey,
                  database,
                  network.client(),
                  network.deployment(),
                  Contact.parse("udp://127.0.0.1:0"));
          ConsumerSession toGerman = connect(node, "DE", "0.6")) {
        // the German provider tells the sharer (its index lists it) what it holds: 0.6
        await(
            () ->
                sharer
                        .sharing()
                        .provider()
                        .heldByOthers(consumerKey.address())
                        .compareTo(Myst.parse("0.6"))
                    >= 0,
            "the German provider's report at the sharer");
        try (ConsumerSession toSharer = connect(node, "FR", "0.3")) {
          // 1 deposited, 0.6 held by the German provider: 0.4 to spend, 0.3 held here, 0.1 left
          assertThat(sharer.sharing().exposures())
              .containsExactly(
                  new IssuerExposure(
                      consumerKey.address(),
                      true,
                      Myst.parse("0.3"),
                      Myst.parse("0.6"),
                      Myst.parse("0.4"),
                      Myst.parse("0.1")));

          toGerman.close(); // the German provider clears its 0.6 on chain
          await(
              () -> sharer.sharing().exposures().getFirst().heldByOthers().equals(Myst.ZERO),
              "the German clearing in the sharer's index");
          // the 0.6 left the account: still 0.4 to spend, now no one else holds anything
          assertThat(sharer.sharing().exposures())
              .containsExactly(
                  new IssuerExposure(
                      consumerKey.address(),
                      true,
                      Myst.parse("0.3"),
                      Myst.ZERO,
                      Myst.parse("0.4"),
                      Myst.parse("0.1")));
        }
      }
      sharer.sharing().stop();
      assertThat(sharer.sharing().exposures()).isEmpty();
    }
  }

  private static ConsumerSession connect(ConsumerNode node, String country, String step)
      throws Exception {
    List<ProposalIndex.Listing> found =
        node.search(ProposalIndex.Query.of(Optional.of("socks5"), Optional.of(country), 10));
    return node.connect(
        found,
        Myst.parse(step),
        SessionEvents.none(),
        new Connector.Attempts() {},
        Duration.ofSeconds(10),
        (type, contact) ->
            new network.mysterium.service.socks.Socks5Client(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
  }

  private static void await(Callable<Boolean> condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
