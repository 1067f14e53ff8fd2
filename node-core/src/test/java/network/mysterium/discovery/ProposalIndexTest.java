package network.mysterium.discovery;

import static network.mysterium.discovery.ServiceProposalTest.proposal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.ChainWallet;
import network.mysterium.chain.ContractAddresses;
import network.mysterium.chain.TestContracts;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.ServiceRegistryContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/** Proposals announced on anvil, followed into SQLite, verified, indexed and searched. */
@ExtendWith(AnvilExtension.class)
class ProposalIndexTest {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  @TempDir Path temp;
  private FollowedChain followed;
  private Anvil anvil;
  private EthereumClient client;
  private Deployment deployment;
  private Database database;
  private ChainFollower follower;
  private ProposalIndex index;
  private SignedProposals signer;
  private ServiceRegistryContract services;

  @BeforeEach
  void setUp(Anvil anvil) throws Exception {
    this.anvil = anvil;
    followed = new FollowedChain(anvil, temp.resolve("node.db"));
    client = followed.client;
    deployment = followed.deployment;
    database = followed.database;
    follower = followed.follower;
    services = new ServiceRegistryContract(client, deployment.serviceRegistry());
    signer = SignedProposals.of(deployment);
    index = followed.index(signer, 20);
  }

  @AfterEach
  void close() {
    followed.close();
  }

  private PrivateKey provider(boolean registered) throws Exception {
    return followed.identity(registered);
  }

  private void announce(PrivateKey provider, ServiceProposal proposal) throws Exception {
    services.announce(
        ChainAccounts.credentials(provider), proposal.serial(), signer.sign(proposal, provider));
  }

  private List<ProposalIndex.Listing> search(ProposalIndex.Query query) throws Exception {
    follower.pollOnce();
    index.sync();
    return index.search(query, anvil.blockNumber());
  }

  private static ProposalIndex.Query inCountry(String country) {
    ProposalIndex.Query all = ProposalIndex.Query.all();
    return new ProposalIndex.Query(
        Optional.of("wireguard"),
        Optional.of(country),
        all.origin(),
        all.asn(),
        all.metering(),
        all.maxPricePerUnit(),
        all.minBandwidthKbps(),
        false,
        100);
  }

  @Test
  void announcedProposalsAreFoundSortedByPriceAndFiltered() throws Exception {
    PrivateKey cheap = provider(true);
    PrivateKey dear = provider(true);
    PrivateKey elsewhere = provider(true);
    announce(dear, proposal(dear.address(), 1, "DE", "0.003", List.of("udp://203.0.113.2:5000")));
    announce(cheap, proposal(cheap.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000")));
    announce(
        elsewhere,
        proposal(elsewhere.address(), 1, "FR", "0.0001", List.of("udp://203.0.113.3:5000")));

    List<ProposalIndex.Listing> germany = search(inCountry("DE"));
    assertThat(germany)
        .extracting(l -> l.proposal().provider())
        .containsExactly(cheap.address(), dear.address());

    ProposalIndex.Query cheapOnly =
        new ProposalIndex.Query(
            Optional.empty(),
            Optional.of("DE"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(new BigInteger("2000000000000000")),
            Optional.of(10_000L),
            false,
            10);
    assertThat(index.search(cheapOnly, anvil.blockNumber()))
        .extracting(l -> l.proposal().provider())
        .containsExactly(cheap.address());

    index.setPreferred(dear.address(), true);
    ProposalIndex.Query preferredFirst =
        new ProposalIndex.Query(
            Optional.empty(),
            Optional.of("DE"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            true,
            10);
    assertThat(index.search(preferredFirst, anvil.blockNumber()))
        .extracting(l -> l.proposal().provider())
        .containsExactly(dear.address(), cheap.address());
  }

  @Test
  void aProviderWhosePromiseWasClearedAgainstItsStakeIsDroppedUntilItRegistersAgain()
      throws Exception {
    PrivateKey p = provider(true);
    PrivateKey creditor = provider(true);
    announce(p, proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000")));
    assertThat(search(inCountry("DE"))).hasSize(1);
    // as an issuer it promised 1 MYST with nothing deposited: cleared against its stake
    var domain =
        network.mysterium.chain.ContractMessages.Domain.payments(
            client.chainId(), network.mysterium.crypto.Address.parse(deployment.payments()));
    BigInteger one = ETHER;
    new network.mysterium.contracts.PaymentsContract(client, deployment.payments())
        .clearPromise(
            ChainAccounts.credentials(creditor),
            p.address().toString(),
            creditor.address().toString(),
            BigInteger.ONE,
            one,
            true,
            network.mysterium.chain.ContractMessages.promise(
                    domain, p.address(), creditor.address(), BigInteger.ONE, one)
                .sign(p)
                .toBytes(),
            network.mysterium.chain.ContractMessages.clearing(
                    domain, p.address(), creditor.address(), BigInteger.ONE, one, true)
                .sign(creditor)
                .toBytes());
    assertThat(search(inCountry("DE"))).isEmpty();
    assertThat(new ChainIndex(database).isDefaulted(p.address())).isTrue();

    followed.register(p); // a new stake
    assertThat(search(inCountry("DE"))).hasSize(1);
    assertThat(new ChainIndex(database).isDefaulted(p.address())).isFalse();
  }

  @Test
  void sameSerialReplacesANewSerialSupersedesAndOldOnesStayDropped() throws Exception {
    PrivateKey p = provider(true);
    announce(p, proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000")));
    announce(p, proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.9:6000")));
    assertThat(search(inCountry("DE")))
        .singleElement()
        .satisfies(
            l -> assertThat(l.proposal().contacts()).containsExactly("udp://203.0.113.9:6000"));

    announce(p, proposal(p.address(), 2, "DE", "0.002", List.of("udp://203.0.113.9:6000")));
    announce(
        p, proposal(p.address(), 1, "DE", "0.0001", List.of("udp://203.0.113.9:6000"))); // stale
    assertThat(search(inCountry("DE")))
        .singleElement()
        .satisfies(l -> assertThat(l.proposal().serial()).isEqualTo(2));
    assertThat(index.rejections()).containsEntry(SignedProposals.Rejection.SUPERSEDED, 1L);
  }

  @Test
  void proposalsExpireWhenNotReAnnouncedWithinTheWindow() throws Exception {
    PrivateKey p = provider(true);
    announce(p, proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000")));
    assertThat(search(inCountry("DE"))).hasSize(1);
    anvil.mine(21);
    assertThat(search(inCountry("DE"))).isEmpty();
    announce(p, proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000")));
    assertThat(search(inCountry("DE"))).hasSize(1);
  }

  @Test
  void forgedAndMalformedProposalsAreDroppedAndCountedByReason() throws Exception {
    PrivateKey honest = provider(true);
    PrivateKey forger = provider(true);
    Credentials forgerAccount = ChainAccounts.credentials(forger);
    ServiceProposal own =
        proposal(forger.address(), 1, "DE", "0.0000001", List.of("udp://198.51.100.1:1"));
    byte[] valid = signer.sign(own, forger);
    services.announce(forgerAccount, 1, valid); // valid, the forger's own
    // the signature of one proposal on the bytes of another (a lower price): BAD_SIGNATURE
    byte[] otherBytes =
        proposal(forger.address(), 1, "DE", "0.00000001", List.of("udp://198.51.100.1:1")).encode();
    byte[] swapped =
        network.mysterium.discovery.proto.SignedProposal.parseFrom(valid).toBuilder()
            .setProposal(com.google.protobuf.ByteString.copyFrom(otherBytes))
            .build()
            .toByteArray();
    services.announce(forgerAccount, 1, swapped);
    // the honest provider's proposal, signed by it, announced by the forger: WRONG_PROVIDER
    ServiceProposal inHonestName =
        proposal(honest.address(), 1, "DE", "0.0000001", List.of("udp://198.51.100.1:1"));
    services.announce(forgerAccount, 1, signer.sign(inHonestName, honest));
    // not a SignedProposal: MALFORMED
    services.announce(forgerAccount, 1, new byte[] {0x0a, (byte) 0xff, 0x01});
    assertThat(search(inCountry("DE")))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.proposal().provider()).isEqualTo(forger.address());
              assertThat(l.proposal().pricePerUnit()).isEqualTo(own.pricePerUnit());
            });
    assertThat(index.rejections())
        .isEqualTo(
            java.util.Map.of(
                SignedProposals.Rejection.BAD_SIGNATURE, 1L,
                SignedProposals.Rejection.WRONG_PROVIDER, 1L,
                SignedProposals.Rejection.MALFORMED, 1L));
  }

  /**
   * The real ServiceRegistry only takes registered senders, so an unregistered announcement is one
   * whose registration this index never saw: here, a follower of another deployment's identity
   * registry. Once the provider registers there too, its next announcement is taken.
   */
  @Test
  void announcementsOfIdentitiesTheIndexDoesNotKnowAreUnregistered() throws Exception {
    PrivateKey p = provider(true);
    Credentials deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
    Deployment other = TestContracts.deploy(client, deployer);
    ChainIndex chain = new ChainIndex(database);
    ProposalIndex elsewhereIndex = new ProposalIndex(database, chain, chain, signer, 20);
    try (ChainFollower elsewhere =
        new ChainFollower(
            client.web3(),
            chain,
            new ChainFollower.Config(
                new ContractAddresses(
                    deployment.chainId(),
                    network.mysterium.crypto.Address.parse(other.identityRegistry()),
                    network.mysterium.crypto.Address.parse(deployment.serviceRegistry()),
                    network.mysterium.crypto.Address.parse(deployment.payments())),
                deployment.startBlock(),
                0,
                1000,
                Duration.ofSeconds(1)))) {
      announce(p, proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000")));
      elsewhere.pollOnce();
      assertThat(elsewhereIndex.sync()).isZero();
      assertThat(elsewhereIndex.search(inCountry("DE"), anvil.blockNumber())).isEmpty();
      assertThat(elsewhereIndex.rejections())
          .isEqualTo(java.util.Map.of(SignedProposals.Rejection.UNREGISTERED, 1L));

      new MystTokenContract(client, other.token())
          .transfer(deployer, p.address().toString(), ETHER.multiply(BigInteger.TEN));
      new ChainWallet(client, other).register(p);
      announce(p, proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000")));
      elsewhere.pollOnce();
      assertThat(elsewhereIndex.sync()).isEqualTo(1);
      assertThat(elsewhereIndex.search(inCountry("DE"), anvil.blockNumber())).hasSize(1);
      assertThat(elsewhereIndex.rejections())
          .isEqualTo(java.util.Map.of(SignedProposals.Rejection.UNREGISTERED, 1L));
    }
  }

  /**
   * The contract lets anyone announce: an unregistered sender's announcement is dropped as
   * UNREGISTERED before its signature is looked at (another's proposal replayed counts as
   * unregistered, not as a bad signature), and its own validly signed one is dropped too.
   */
  @Test
  void anUnregisteredSendersAnnouncementsAreDroppedBeforeAnySignatureWork() throws Exception {
    PrivateKey stranger = provider(false);
    PrivateKey honest = provider(true);
    Credentials strangerAccount = ChainAccounts.credentials(stranger);
    ServiceProposal own =
        proposal(stranger.address(), 1, "DE", "0.001", List.of("udp://203.0.113.9:5000"));
    services.announce(strangerAccount, 1, signer.sign(own, stranger));
    ServiceProposal inHonestName =
        proposal(honest.address(), 1, "DE", "0.001", List.of("udp://203.0.113.9:5000"));
    // an honest provider's signed proposal replayed by the stranger: its sender is unregistered
    services.announce(strangerAccount, 1, signer.sign(inHonestName, honest));
    assertThat(search(inCountry("DE"))).isEmpty();
    assertThat(index.rejections())
        .isEqualTo(java.util.Map.of(SignedProposals.Rejection.UNREGISTERED, 2L));
  }

  private ProviderAnnouncer announcer(PrivateKey provider) {
    return new ProviderAnnouncer(
        database,
        signer,
        (serial, signed) ->
            services
                .announce(ChainAccounts.credentials(provider), serial, signed)
                .getBlockNumber()
                .longValueExact(),
        ExpiryWindow.blocksOnly(20),
        chainView(provider));
  }

  private ProviderAnnouncer.ChainView chainView(PrivateKey provider) {
    return new ProviderAnnouncer.ChainView() {
      @Override
      public long head() throws network.mysterium.contracts.ChainException {
        try {
          return anvil.blockNumber();
        } catch (Exception e) {
          throw new network.mysterium.contracts.ChainException(e.getMessage(), e);
        }
      }

      @Override
      public long highestSerialAnnounced() throws network.mysterium.store.StoreException {
        try {
          follower.pollOnce();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        index.sync();
        return index.highestSerialOf(provider.address());
      }
    };
  }

  @Test
  void theProviderKeepsSerialsByTheRulesAcrossRestarts() throws Exception {
    PrivateKey p = provider(true);
    ServiceProposal first =
        announcer(p)
            .offer(proposal(p.address(), 99, "DE", "0.001", List.of("udp://203.0.113.1:5000")), p);
    assertThat(first.serial()).isEqualTo(1);

    long before = anvil.blockNumber();
    assertThat(announcer(p).offer(first, p)).isEqualTo(first);
    assertThat(anvil.blockNumber()).as("nothing changed: nothing announced").isEqualTo(before);

    // a restarted provider (a new announcer on the same database) keeps the rules
    ServiceProposal moved =
        announcer(p)
            .offer(proposal(p.address(), 99, "DE", "0.001", List.of("udp://203.0.113.7:6000")), p);
    assertThat(moved.serial()).as("contacts only: same serial").isEqualTo(1);
    assertThat(search(inCountry("DE")))
        .singleElement()
        .satisfies(
            l -> assertThat(l.proposal().contacts()).containsExactly("udp://203.0.113.7:6000"));

    ServiceProposal repriced =
        announcer(p)
            .offer(proposal(p.address(), 99, "DE", "0.002", List.of("udp://203.0.113.7:6000")), p);
    assertThat(repriced.serial()).as("new price: new serial").isEqualTo(2);
    assertThat(search(inCountry("DE")))
        .singleElement()
        .satisfies(l -> assertThat(l.proposal().serial()).isEqualTo(2));
  }

  @Test
  void aFailedAnnouncementKeepsItsSerialAndIsAnnouncedLater() throws Exception {
    PrivateKey p = provider(true);
    ProviderAnnouncer unreachable =
        new ProviderAnnouncer(
            database,
            signer,
            (serial, signed) -> {
              throw new network.mysterium.contracts.ChainException("cannot reach the chain");
            },
            ExpiryWindow.blocksOnly(20),
            chainView(p));
    ServiceProposal offer =
        proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000"));
    assertThatThrownBy(() -> unreachable.offer(offer, p)).hasMessageContaining("cannot reach");
    assertThat(unreachable.own("wireguard"))
        .get()
        .extracting(ServiceProposal::serial)
        .isEqualTo(1L);
    assertThat(search(inCountry("DE"))).isEmpty();

    ServiceProposal announced = announcer(p).offer(offer, p);
    assertThat(announced.serial()).as("the pending serial, not a new one").isEqualTo(1);
    assertThat(search(inCountry("DE")))
        .singleElement()
        .satisfies(l -> assertThat(l.proposal().serial()).isEqualTo(1));
  }

  @Test
  void theProviderReAnnouncesBeforeConsumersExpireItsProposals() throws Exception {
    PrivateKey p = provider(true);
    ProviderAnnouncer announcer = announcer(p);
    announcer.offer(proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000")), p);
    anvil.mine(5);
    assertThat(announcer.reannounceDue(anvil.blockNumber(), p)).isZero();
    anvil.mine(7);
    assertThat(announcer.reannounceDue(anvil.blockNumber(), p)).isEqualTo(1);
    anvil.mine(12); // 25 blocks after the first announcement: expired without the second
    assertThat(search(inCountry("DE"))).hasSize(1);
  }

  @Test
  void aReorgRebuildsTheIndexFromWhatRemains() throws Exception {
    PrivateKey p = provider(true);
    announce(p, proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:5000")));
    assertThat(search(inCountry("DE"))).hasSize(1);
    String snapshot = anvil.snapshot();
    announce(p, proposal(p.address(), 2, "DE", "0.002", List.of("udp://203.0.113.1:5000")));
    assertThat(search(inCountry("DE")))
        .singleElement()
        .satisfies(l -> assertThat(l.proposal().serial()).isEqualTo(2));
    anvil.revert(snapshot);
    anvil.mine(3);
    assertThat(search(inCountry("DE")))
        .singleElement()
        .satisfies(l -> assertThat(l.proposal().serial()).isEqualTo(1));
  }
}
