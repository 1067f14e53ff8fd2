package network.mysterium.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
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
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * Per-MB and per-second proposals, announced on anvil and indexed in SQLite, sorted and filtered by
 * their hourly cost at the reference usage (1 GB an hour), never by their raw unit prices.
 */
@ExtendWith(AnvilExtension.class)
class ComparablePriceTest {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  @TempDir Path temp;
  private final SecureRandom random = new SecureRandom();
  private final List<PrivateKey> keys = new ArrayList<>();
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
    client = EthereumClient.connect(anvil.rpcUrl());
    Credentials deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
    deployment = TestContracts.deploy(client, deployer);
    services = new ServiceRegistryContract(client, deployment.serviceRegistry());
    signer = SignedProposals.of(deployment);
    database = Database.open(temp.resolve("node.db"));
    ChainIndex chain = new ChainIndex(database);
    follower =
        new ChainFollower(
            client.web3(),
            chain,
            new ChainFollower.Config(
                ContractAddresses.of(deployment),
                deployment.startBlock(),
                0,
                1000,
                Duration.ofSeconds(1)));
    index = new ProposalIndex(database, chain, chain, signer, 20);
  }

  @AfterEach
  void close() {
    follower.close();
    database.close();
    client.close();
    keys.forEach(PrivateKey::destroy);
  }

  private PrivateKey provider(boolean registered) throws Exception {
    PrivateKey key = PrivateKey.generate(random);
    keys.add(key);
    anvil.setBalance(key.address().toString(), ETHER.multiply(BigInteger.TEN));
    if (registered) {
      new MystTokenContract(client, deployment.token())
          .transfer(
              Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst()),
              key.address().toString(),
              ETHER.multiply(BigInteger.TEN));
      new ChainWallet(client, deployment).register(key);
    }
    return key;
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

  private static ServiceProposal offer(
      PrivateKey provider, ServiceProposal.Metering metering, String price) {
    return new ServiceProposal(
        ServiceProposal.FORMAT_VERSION,
        provider.address(),
        1,
        "wireguard",
        new ServiceProposal.Place("DE", 3320),
        new ServiceProposal.Place("DE", 3320),
        50_000,
        metering,
        Myst.parse(price),
        List.of("udp://203.0.113.1:5000"));
  }

  private static ProposalIndex.Query query(
      Optional<ServiceProposal.Metering> metering, Optional<String> maxPrice) {
    return new ProposalIndex.Query(
        Optional.of("wireguard"),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        metering,
        maxPrice.map(m -> Myst.parse(m).baseUnits()),
        Optional.empty(),
        false,
        100);
  }

  @Test
  void perMegabyteAndPerSecondPricesAreOrderedAndCappedByTheirHourlyCost() throws Exception {
    PrivateKey perSecondCheap = provider(true); // 0.0005 MYST/s: 1.8 MYST an hour
    PrivateKey perMegabyte = provider(true); // 0.002 MYST/MB: 2 MYST an hour at 1 GB/h
    PrivateKey perSecondDear = provider(true); // 0.001 MYST/s: 3.6 MYST an hour
    announce(perSecondCheap, offer(perSecondCheap, ServiceProposal.Metering.PER_SECOND, "0.0005"));
    announce(perMegabyte, offer(perMegabyte, ServiceProposal.Metering.PER_MEGABYTE, "0.002"));
    announce(perSecondDear, offer(perSecondDear, ServiceProposal.Metering.PER_SECOND, "0.001"));

    // by raw unit price the per-second ones would both come first (0.0005, 0.001 < 0.002)
    assertThat(search(query(Optional.empty(), Optional.empty())))
        .extracting(l -> l.proposal().provider())
        .containsExactly(perSecondCheap.address(), perMegabyte.address(), perSecondDear.address());
    // a maximum price without a metering is per MB: 0.003 MYST/MB is 3 MYST an hour
    assertThat(search(query(Optional.empty(), Optional.of("0.003"))))
        .extracting(l -> l.proposal().provider())
        .containsExactly(perSecondCheap.address(), perMegabyte.address());
    // the exact boundary: 0.0018 MYST/MB is 1.8 MYST an hour, the cheap per-second offer's cost
    assertThat(search(query(Optional.empty(), Optional.of("0.0018"))))
        .extracting(l -> l.proposal().provider())
        .containsExactly(perSecondCheap.address());
    // with a metering, the maximum is per unit of that metering, as announced
    assertThat(
            search(query(Optional.of(ServiceProposal.Metering.PER_SECOND), Optional.of("0.001"))))
        .extracting(l -> l.proposal().provider())
        .containsExactly(perSecondCheap.address(), perSecondDear.address());
    assertThat(
            ComparablePrice.perHour(
                offer(perSecondDear, ServiceProposal.Metering.PER_SECOND, "0.001")))
        .isEqualTo(Myst.parse("3.6").baseUnits());
  }
}
