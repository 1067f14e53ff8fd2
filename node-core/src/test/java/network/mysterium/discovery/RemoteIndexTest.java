package network.mysterium.discovery;

import static network.mysterium.discovery.ServiceProposalTest.proposal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.chain.ChainFollower;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.ServiceRegistryContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.proto.IndexListing;
import network.mysterium.discovery.proto.IndexResult;
import network.mysterium.discovery.proto.SignedProposal;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer searches a trusted node's index over a real dialogue (UDP on loopback). The node's
 * index is a real SQLite index, followed from providers' registrations and announcements on a real
 * anvil chain.
 */
@ExtendWith(AnvilExtension.class)
class RemoteIndexTest {
  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> directory = new ConcurrentHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  @TempDir Path temp;
  private FollowedChain followed;
  private Anvil anvil;
  private EthereumClient client;
  private Deployment deployment;
  private SignedProposals signer;
  private ChainFollower follower;
  private ProposalIndex index;

  @BeforeEach
  void setUp(Anvil anvil) throws Exception {
    this.anvil = anvil;
    followed = new FollowedChain(anvil, temp.resolve("trusted.db"));
    client = followed.client;
    deployment = followed.deployment;
    follower = followed.follower;
    signer = SignedProposals.of(deployment);
    index = followed.index(signer, 1000);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    followed.close();
  }

  private PrivateKey key() {
    PrivateKey key = PrivateKey.generate(random);
    directory.put(key.address(), key.publicKey());
    resources.add(key);
    return key;
  }

  /** Registers the provider on chain (stake and gas given) and announces its signed proposal. */
  private void announce(PrivateKey provider, String country, String price) throws Exception {
    followed.register(provider);
    ServiceProposal p =
        proposal(provider.address(), 1, country, price, List.of("udp://203.0.113.1:5000"));
    new ServiceRegistryContract(client, deployment.serviceRegistry())
        .announce(ChainAccounts.credentials(provider), 1, signer.sign(p, provider));
  }

  private void indexAnnouncements() throws Exception {
    follower.pollOnce();
    index.sync();
  }

  /** A node on loopback UDP serving these services to every dialogue. */
  private Dialogues node(PrivateKey key, Conversation.Services services) throws Exception {
    Messenger messenger =
        new Messenger(
            key,
            identity -> Optional.ofNullable(directory.get(identity)),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    Dialogues dialogues =
        new Dialogues(
                messenger,
                Channels.listen(Contact.parse("udp://127.0.0.1:0")),
                DialogueConfig.DEFAULT,
                peer -> new Conversation(services))
            .start();
    resources.add(dialogues);
    return dialogues;
  }

  private RemoteIndex connect(Dialogues consumer, Dialogues trusted) throws Exception {
    Conversation conversation = new Conversation(Conversation.Services.none());
    conversation.on(
        consumer
            .open(trusted.address(), trusted.contact(), conversation)
            .get(10, TimeUnit.SECONDS));
    return new RemoteIndex(conversation, signer, Duration.ofSeconds(10));
  }

  private static ProposalIndex.Query inCountry(String country) {
    ProposalIndex.Query all = ProposalIndex.Query.all();
    return new ProposalIndex.Query(
        Optional.of("wireguard"),
        Optional.of(country),
        all.origin(),
        all.asn(),
        all.metering(),
        Optional.of(new BigInteger("5000000000000000")), // 0.005 MYST
        all.minBandwidthKbps(),
        false,
        20);
  }

  @Test
  void aConsumerFindsATrustedNodesProposalsCheapestFirstAndChecksTheirSignatures()
      throws Exception {
    PrivateKey a = key();
    PrivateKey b = key();
    PrivateKey c = key();
    PrivateKey d = key();
    announce(a, "DE", "0.003");
    announce(b, "DE", "0.001");
    announce(c, "FR", "0.0001");
    announce(d, "DE", "0.009"); // above the query's max price
    indexAnnouncements();
    Dialogues trusted =
        node(key(), new IndexService(index, follower).addTo(Conversation.Services.none()));
    Dialogues consumer = node(key(), Conversation.Services.none());

    RemoteIndex.Answer answer = connect(consumer, trusted).search(inCountry("DE"));

    assertThat(answer.listings())
        .extracting(l -> l.proposal().provider())
        .containsExactly(b.address(), a.address());
    assertThat(answer.dropped()).isZero();
    assertThat(answer.headBlock()).isEqualTo(anvil.blockNumber());
    assertThat(answer.listings().getFirst().proposal().pricePerUnit().toString())
        .isEqualTo("0.001 MYST");
  }

  /** Far more listings than one dialogue message holds (about four): the consumer pages. */
  @Test
  void moreListingsThanOneMessageHoldsArriveInPagesCheapestFirstUpToTheLimit() throws Exception {
    List<Address> byPrice = new ArrayList<>();
    for (int i = 1; i <= 13; i++) {
      PrivateKey provider = key();
      announce(provider, "DE", "0.000" + (i < 10 ? "0" + i : i)); // 0.00001 .. 0.00013
      byPrice.add(provider.address());
    }
    indexAnnouncements();
    Dialogues trusted =
        node(key(), new IndexService(index, follower).addTo(Conversation.Services.none()));
    Dialogues consumer = node(key(), Conversation.Services.none());
    RemoteIndex remote = connect(consumer, trusted);

    RemoteIndex.Answer all = remote.search(inCountry("DE"));
    RemoteIndex.Answer cheapest = remote.search(inCountry("DE").withLimit(6));

    assertThat(all.listings())
        .extracting(l -> l.proposal().provider())
        .containsExactlyElementsOf(byPrice);
    assertThat(all.dropped()).isZero();
    assertThat(cheapest.listings())
        .extracting(l -> l.proposal().provider())
        .containsExactlyElementsOf(byPrice.subList(0, 6));
  }

  @Test
  void forgedOrUnaskedListingsFromALyingNodeAreDropped() throws Exception {
    PrivateKey honest = key();
    PrivateKey victim = key();
    ServiceProposal good =
        proposal(honest.address(), 1, "DE", "0.002", List.of("udp://203.0.113.1:5000"));
    ServiceProposal real =
        proposal(victim.address(), 1, "DE", "0.004", List.of("udp://203.0.113.2:5000"));
    // the liar lowers the victim's price (keeping its signature) and adds an unasked country
    SignedProposal signedReal = SignedProposal.parseFrom(signer.sign(real, victim));
    ServiceProposal cheaper =
        proposal(victim.address(), 1, "DE", "0.0001", List.of("udp://203.0.113.66:5000"));
    byte[] tampered =
        signedReal.toBuilder()
            .setProposal(ByteString.copyFrom(cheaper.encode()))
            .build()
            .toByteArray();
    byte[] unasked =
        signer.sign(
            proposal(honest.address(), 2, "FR", "0.001", List.of("udp://203.0.113.1:5000")),
            honest);
    Conversation.Services lies =
        Conversation.Services.none()
            .with(
                Exchange.BodyCase.INDEX_QUERY,
                (dialogue, message) ->
                    Exchange.newBuilder()
                        .setIndexResult(
                            IndexResult.newBuilder()
                                .addListings(listing(tampered))
                                .addListings(listing(unasked))
                                .addListings(listing(new byte[] {1, 2, 3}))
                                .addListings(listing(signer.sign(good, honest)))));
    Dialogues liar = node(key(), lies);
    Dialogues consumer = node(key(), Conversation.Services.none());

    RemoteIndex.Answer answer = connect(consumer, liar).search(inCountry("DE"));

    assertThat(answer.listings()).extracting(ProposalIndex.Listing::proposal).containsExactly(good);
    assertThat(answer.dropped()).isEqualTo(3);
  }

  @Test
  void aNodeThatDoesNotServeItsIndexRefusesWithAReason() throws Exception {
    Dialogues plain = node(key(), Conversation.Services.none());
    Dialogues consumer = node(key(), Conversation.Services.none());
    RemoteIndex remote = connect(consumer, plain);
    assertThatThrownBy(() -> remote.search(inCountry("DE")))
        .isInstanceOf(Conversation.RefusedException.class)
        .hasMessage("unsupported request: INDEX_QUERY");
  }

  @Test
  void aNodeThatStopsFailsTheSearchWithTheReason() throws Exception {
    Dialogues trusted =
        node(key(), new IndexService(index, follower).addTo(Conversation.Services.none()));
    Dialogues consumer = node(key(), Conversation.Services.none());
    Conversation conversation = new Conversation(Conversation.Services.none());
    conversation.on(
        consumer
            .open(trusted.address(), trusted.contact(), conversation)
            .get(10, TimeUnit.SECONDS));
    trusted.close();
    RemoteIndex remote = new RemoteIndex(conversation, signer, Duration.ofSeconds(10));
    assertThatThrownBy(() -> remote.search(inCountry("DE")))
        .isInstanceOf(Conversation.RefusedException.class)
        .hasMessage("dialogue closed: closed by the peer: the node stopped");
  }

  @Test
  void aNodeThatNeverAnswersFailsTheSearchInsteadOfHanging() throws Exception {
    Dialogues silent =
        node(
            key(),
            Conversation.Services.none()
                .with(Exchange.BodyCase.INDEX_QUERY, (dialogue, message) -> null));
    Dialogues consumer = node(key(), Conversation.Services.none());
    Conversation conversation = new Conversation(Conversation.Services.none());
    conversation.on(
        consumer.open(silent.address(), silent.contact(), conversation).get(10, TimeUnit.SECONDS));
    RemoteIndex remote = new RemoteIndex(conversation, signer, Duration.ofMillis(500));
    assertThatThrownBy(() -> remote.search(inCountry("DE")))
        .isInstanceOf(Conversation.RefusedException.class)
        .hasMessage("no answer within 500 ms");
  }

  private static IndexListing listing(byte[] signed) {
    return IndexListing.newBuilder()
        .setSignedProposal(ByteString.copyFrom(signed))
        .setAnnouncedBlock(1)
        .build();
  }
}
