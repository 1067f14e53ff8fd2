package network.mysterium.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.proto.IndexListing;
import network.mysterium.discovery.proto.IndexResult;
import network.mysterium.discovery.proto.SignedProposal;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.MessagingNode;
import network.mysterium.node.NodeConfig;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A registered peer floods a node's index service with queries over a real dialogue (UDP on
 * loopback). The node is a real provider, or a real {@code mysterium node}, on a real anvil chain
 * reached through {@link CountingRpc}, which counts what the node asks its chain. The queries must
 * cost no chain request each, the peer is refused past its rate with a typed code, and another peer
 * is still answered, with proposals as fresh as the node's chain follower.
 */
class IndexQueryFloodTest {
  private static final int BURST = 500;

  /**
   * The rate this test holds a peer to: a whole remote search at once (its 64 pages), then 10
   * queries a second.
   */
  private static final int SEARCH_PAGES = 64;

  private static final int PER_SECOND = 10;

  enum Kind {
    PROVIDER,
    NODE
  }

  @TempDir Path temp;
  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> directory = new ConcurrentHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private LocalNetwork network;
  private CountingRpc rpc;
  private Address node;
  private Contact nodeContact;
  private Address listed; // a provider the node's index lists

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aBurstOfQueriesCostsNoChainRequestEachAndIsRefusedPastThePeersRateWhileAnotherIsAnswered(
      Kind kind) throws Exception {
    start(kind);
    PrivateKey flooder = network.newIdentity(Myst.parse("0"), Myst.parse("0"));
    PrivateKey other = network.newIdentity(Myst.parse("0"), Myst.parse("0"));
    resources.add(flooder);
    resources.add(other);
    startNode(kind);
    Conversation a = talk(flooder, "127.0.0.1");
    Conversation b = talk(other, "127.0.0.2");
    awaitListed(b, listed, Duration.ofSeconds(10));

    // What the node asks its chain on its own (follower, re-announce checks): a deliberate idle
    // window, the yardstick for the burst.
    long idleStart = System.nanoTime();
    long idleBefore = rpc.total();
    Thread.sleep(2000);
    double idlePerSecond = (rpc.total() - idleBefore) / seconds(System.nanoTime() - idleStart);

    Map<String, Long> methodsBefore = rpc.byMethod();
    long rpcBefore = rpc.total();
    long start = System.nanoTime();
    List<CompletableFuture<Exchange>> flood = new ArrayList<>();
    CompletableFuture<Long> otherAnsweredAfter = null;
    for (int i = 0; i < BURST; i++) {
      flood.add(a.request(query(), Duration.ofSeconds(60)));
      if (i == BURST / 2) {
        long sent = System.nanoTime();
        otherAnsweredAfter =
            b.request(query(), Duration.ofSeconds(60))
                .thenApply(
                    answer -> {
                      assertThat(providers(answer)).contains(listed);
                      return System.nanoTime() - sent;
                    });
      }
    }
    int answered = 0;
    int refused = 0;
    for (CompletableFuture<Exchange> query : flood) {
      try {
        assertThat(query.join().hasIndexResult()).isTrue();
        answered++;
      } catch (CompletionException e) {
        assertThat(e.getCause()).isInstanceOf(Conversation.RefusedException.class);
        assertThat(IndexRefusal.of((Conversation.RefusedException) e.getCause()))
            .as("refused as %s", e.getCause().getMessage())
            .contains(IndexRefusal.RATE_LIMITED);
        refused++;
      }
    }
    double burstSeconds = seconds(System.nanoTime() - start);
    long rpcs = rpc.total() - rpcBefore;
    long otherNanos = otherAnsweredAfter.get(30, TimeUnit.SECONDS);
    System.out.printf(
        "%s: %d queries in %.2f s: %d answered, %d refused; %d chain requests (%s before, %s"
            + " after), %.1f/s when idle; the other peer answered in %d ms%n",
        kind,
        BURST,
        burstSeconds,
        answered,
        refused,
        rpcs,
        methodsBefore,
        rpc.byMethod(),
        idlePerSecond,
        otherNanos / 1_000_000);

    assertThat(rpcs)
        .as("chain requests during %d queries in %.2f s", BURST, burstSeconds)
        .isLessThanOrEqualTo((long) (2 * idlePerSecond * burstSeconds) + 10);
    assertThat(answered + refused).isEqualTo(BURST);
    assertThat(answered).as("a whole search's pages pass").isGreaterThanOrEqualTo(SEARCH_PAGES);
    assertThat(answered)
        .as("answered in %.2f s", burstSeconds)
        .isLessThanOrEqualTo(SEARCH_PAGES + (int) Math.ceil(PER_SECOND * burstSeconds) + 1);
    assertThat(Duration.ofNanos(otherNanos)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aProposalAnnouncedAfterAFloodIsAnsweredWithinTheFollowersPolls() throws Exception {
    start(Kind.PROVIDER);
    PrivateKey flooder = network.newIdentity(Myst.parse("0"), Myst.parse("0"));
    PrivateKey other = network.newIdentity(Myst.parse("0"), Myst.parse("0"));
    resources.add(flooder);
    resources.add(other);
    startNode(Kind.PROVIDER);
    Conversation a = talk(flooder, "127.0.0.1");
    Conversation b = talk(other, "127.0.0.2");
    awaitListed(b, listed, Duration.ofSeconds(10));
    List<CompletableFuture<Exchange>> flood = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      flood.add(a.request(query(), Duration.ofSeconds(60)));
    }
    CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new))
        .handle((r, e) -> null)
        .get(60, TimeUnit.SECONDS);

    ProviderNode fresh =
        network.startProvider(new LocalNetwork.ProviderSpec("FR", 2, "0.02"), SessionEvents.none());
    long announcedAt = network.anvil().blockNumber();
    IndexResult result = awaitListed(b, fresh.address(), Duration.ofSeconds(5));
    assertThat(result.getHeadBlock()).isGreaterThanOrEqualTo(announcedAt);
  }

  private void start(Kind kind) throws Exception {
    network = LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (key, args) -> {});
    resources.add(network);
    rpc = new CountingRpc(network.anvil().rpcUrl());
    resources.add(rpc);
  }

  /** The node under test, its chain reached through the counting endpoint only. */
  private void startNode(Kind kind) throws Exception {
    PrivateKey key = network.newIdentity(Myst.parse("0"), Myst.parse("0"));
    resources.add(key);
    directory.put(key.address(), key.publicKey());
    node = key.address();
    Contact any = Contact.parse("udp://127.0.0.1:0");
    switch (kind) {
      case PROVIDER -> {
        EthereumClient client = EthereumClient.connect(rpc.url());
        resources.add(client::close);
        Database database = Database.open(temp.resolve("provider.db"));
        resources.add(database);
        ProviderNode provider =
            ProviderNode.start(
                LocalNetwork.providerConfig(
                    new LocalNetwork.ProviderSpec("DE", 1, "0.01"),
                    ClearingPolicy.defaults(),
                    ProviderNode.Offering.defaults(),
                    any),
                key,
                database,
                client,
                network.deployment(),
                Duration.ofSeconds(1),
                SessionEvents.none());
        resources.add(provider);
        nodeContact = provider.contact();
        listed = provider.address();
      }
      case NODE -> {
        listed =
            network
                .startProvider(new LocalNetwork.ProviderSpec("DE", 1, "0.01"), SessionEvents.none())
                .address();
        MessagingNode messaging =
            MessagingNode.start(
                NodeConfig.of(temp.resolve("node"), rpc.url())
                    .withDeploymentFile(network.deploymentFile())
                    .withListen(any),
                key,
                any,
                new MessagingNode.Listener() {});
        resources.add(messaging);
        nodeContact = messaging.contact();
      }
    }
  }

  /**
   * A peer's conversation with the node over its own dialogue, from its own loopback address (as
   * from another host: the node's datagram intake shares its queue out by source address).
   */
  private Conversation talk(PrivateKey peer, String host) throws Exception {
    Messenger messenger =
        new Messenger(
            peer,
            identity -> Optional.ofNullable(directory.get(identity)),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    Dialogues dialogues =
        new Dialogues(
                messenger,
                Channels.listen(Contact.parse("udp://" + host + ":0")),
                DialogueConfig.DEFAULT,
                p -> new Conversation(Conversation.Services.none()))
            .start();
    resources.add(dialogues);
    Conversation conversation = new Conversation(Conversation.Services.none());
    conversation.on(dialogues.open(node, nodeContact, conversation).get(10, TimeUnit.SECONDS));
    return conversation;
  }

  private static Exchange.Builder query() {
    return Exchange.newBuilder()
        .setIndexQuery(IndexQueries.encode(ProposalIndex.Query.all().withLimit(20), 0));
  }

  private static List<Address> providers(Exchange answer) {
    List<Address> found = new ArrayList<>();
    for (IndexListing listing : answer.getIndexResult().getListingsList()) {
      try {
        found.add(
            ServiceProposal.decode(
                    SignedProposal.parseFrom(listing.getSignedProposal())
                        .getProposal()
                        .toByteArray())
                .provider());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return found;
  }

  /** Asks (a few times a second, within a peer's rate) until the provider is listed. */
  private static IndexResult awaitListed(Conversation peer, Address provider, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Exchange answer = peer.request(query(), Duration.ofSeconds(10)).join();
      if (providers(answer).contains(provider)) {
        return answer.getIndexResult();
      }
      assertThat(System.nanoTime())
          .as("%s listed within %s", provider, within)
          .isLessThan(deadline);
      Thread.sleep(200); // the node's follower polls; nothing to await but its next round
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
