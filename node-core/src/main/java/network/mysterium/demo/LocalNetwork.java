package network.mysterium.demo;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.chain.ChainWallet;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.ProposalExpiry;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.web3j.crypto.Credentials;

/**
 * A whole local network on this machine, for the demo, the desktop app's demo mode, and tests: a
 * local chain (anvil, stopped by its pid), the contracts, and providers in different countries at
 * different prices, each with its own registered identity and database. Nothing is left running
 * after {@link #close()}.
 */
public final class LocalNetwork implements AutoCloseable {
  /** Basis points the network keeps of each clearing. */
  public static final int FEE_BASIS_POINTS = 100;

  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final Myst STAKE = Myst.parse("10");

  /** One provider to start. */
  public record ProviderSpec(String country, long asn, String pricePerMegabyte) {}

  /** Told each step as it happens. */
  @FunctionalInterface
  public interface Progress {
    void step(String key, Object... args);
  }

  private final Anvil anvil;
  private final EthereumClient client;
  private final Deployment deployment;
  private final Path deploymentFile;
  private final Credentials deployer;
  private final Path workDir;
  private final SecureRandom random = new SecureRandom();
  private final List<ProviderNode> providers = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  private LocalNetwork(
      Anvil anvil,
      EthereumClient client,
      Deployment deployment,
      Path deploymentFile,
      Credentials deployer,
      Path workDir) {
    this.anvil = anvil;
    this.client = client;
    this.deployment = deployment;
    this.deploymentFile = deploymentFile;
    this.deployer = deployer;
    this.workDir = workDir;
  }

  /**
   * The anvil binary npm installed under the checkout ({@code mysterium.root.dir}, or the working
   * directory).
   */
  public static Path locateAnvil() throws IOException {
    return Anvil.locate(Path.of(System.getProperty("mysterium.root.dir", ".")));
  }

  /** Starts the chain and deploys the contracts. */
  public static LocalNetwork start(Path anvilBinary, Path workDir, Progress progress)
      throws Exception {
    return start(anvilBinary, workDir, progress, ProposalExpiry.DEFAULT);
  }

  /** As above, proposals expiring by the given window (a test that wants to see them expire). */
  public static LocalNetwork start(
      Path anvilBinary, Path workDir, Progress progress, ProposalExpiry expiry) throws Exception {
    progress.step("demo.step.chain");
    Anvil anvil = Anvil.start(anvilBinary, EthereumClient.DEV_CHAIN_ID);
    try {
      EthereumClient client = EthereumClient.connect(anvil.rpcUrl());
      progress.step("demo.step.deploy", anvil.rpcUrl());
      Credentials deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
      Deployment deployment =
          Deployer.deploy(
                  client,
                  deployer,
                  new Deployer.Parameters(
                      ETHER.multiply(BigInteger.valueOf(1_000_000)),
                      STAKE.baseUnits(),
                      deployer.getAddress(),
                      FEE_BASIS_POINTS))
              .withProposalExpiry(expiry);
      Files.createDirectories(workDir);
      Path deploymentFile = workDir.resolve("deployment.json");
      deployment.write(deploymentFile);
      return new LocalNetwork(anvil, client, deployment, deploymentFile, deployer, workDir);
    } catch (Exception e) {
      anvil.close();
      throw e;
    }
  }

  /**
   * A new identity with ETH for gas and {@code myst} MYST, registered (staking from it), with
   * {@code deposit} MYST in its payments account. The caller destroys the key.
   */
  public PrivateKey newIdentity(Myst myst, Myst deposit) throws Exception {
    PrivateKey key = PrivateKey.generate(random);
    fund(key, myst, deposit);
    return key;
  }

  /** A node's config on this network: its chain endpoint and deployment file. */
  public network.mysterium.node.NodeConfig nodeConfig(Path dataDir) {
    return network.mysterium.node.NodeConfig.of(dataDir, java.net.URI.create(rpcUrl()))
        .withDeploymentFile(deploymentFile())
        .withListen(Contact.parse("udp://127.0.0.1:0"));
  }

  /** Gives an identity ETH and MYST, registers it, and deposits into its payments account. */
  public void fund(PrivateKey key, Myst myst, Myst deposit) throws Exception {
    fundUnregistered(key, myst.plus(STAKE));
    ChainWallet wallet = new ChainWallet(client, deployment);
    wallet.register(key);
    if (deposit.baseUnits().signum() > 0) {
      wallet.deposit(key, key.address(), deposit);
    }
  }

  /** Gives an identity ETH for gas and {@code myst} MYST in its wallet, and nothing else. */
  public void fundUnregistered(PrivateKey key, Myst myst) throws Exception {
    client.fundOnDevChain(key.address().toString(), ETHER.multiply(BigInteger.TEN));
    new MystTokenContract(client, deployment.token())
        .transfer(deployer, key.address().toString(), myst.baseUnits());
  }

  /** Starts a provider of SOCKS5 on loopback, with its own identity and database. */
  public ProviderNode startProvider(ProviderSpec spec, SessionEvents events) throws Exception {
    return startProvider(spec, events, ClearingPolicy.defaults());
  }

  /** As above, clearing by the given policy. */
  public ProviderNode startProvider(
      ProviderSpec spec, SessionEvents events, ClearingPolicy clearing) throws Exception {
    return startProvider(spec, events, clearing, ProviderNode.Offering.defaults());
  }

  /** As above, offering what {@code offering} says (metering unit, origin, bandwidth, limits). */
  public ProviderNode startProvider(
      ProviderSpec spec,
      SessionEvents events,
      ClearingPolicy clearing,
      ProviderNode.Offering offering)
      throws Exception {
    PrivateKey key = newIdentity(Myst.parse("0"), Myst.parse("0"));
    resources.add(key);
    Path dir = workDir.resolve("provider-" + (providers.size() + 1));
    Files.createDirectories(dir);
    Database database = Database.open(dir.resolve("node.db"));
    resources.add(database);
    ProviderNode provider =
        startProvider(
            spec, events, clearing, offering, key, database, Contact.parse("udp://127.0.0.1:0"));
    providers.add(provider);
    return provider;
  }

  /**
   * Starts a SOCKS5 provider on loopback with the caller's registered identity, database and
   * dialogue contact (a restart, or an identity moved to a fresh database); the caller closes it,
   * the key and the database.
   */
  public ProviderNode startProvider(
      ProviderSpec spec,
      SessionEvents events,
      ClearingPolicy clearing,
      PrivateKey key,
      Database database,
      Contact listen)
      throws Exception {
    return startProvider(
        spec, events, clearing, ProviderNode.Offering.defaults(), key, database, listen);
  }

  /** As above, offering what {@code offering} says. */
  public ProviderNode startProvider(
      ProviderSpec spec,
      SessionEvents events,
      ClearingPolicy clearing,
      ProviderNode.Offering offering,
      PrivateKey key,
      Database database,
      Contact listen)
      throws Exception {
    return ProviderNode.start(
        providerConfig(spec, clearing, offering, listen),
        key,
        database,
        client,
        deployment,
        Duration.ofSeconds(1), // a local chain mines fast; the check is one RPC call
        events);
  }

  /**
   * The configuration of a local network's SOCKS5 provider on loopback, for a provider started in a
   * process of its own (a test that kills it).
   */
  public static ProviderNode.Config providerConfig(
      ProviderSpec spec, ClearingPolicy clearing, ProviderNode.Offering offering, Contact listen) {
    return new ProviderNode.Config(
        "socks5",
        null,
        listen,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        "127.0.0.1",
        new ServiceProposal.Place(spec.country(), spec.asn()),
        Myst.parse(spec.pricePerMegabyte()),
        Myst.parse("0.01"),
        Myst.parse("1"),
        Myst.parse("0"),
        Duration.ofMillis(500),
        Duration.ofSeconds(5),
        true, // the demo's web server is on loopback
        clearing,
        offering);
  }

  /** The local chain, for tests that mine blocks or move its clock. */
  public Anvil anvil() {
    return anvil;
  }

  public EthereumClient client() {
    return client;
  }

  public Deployment deployment() {
    return deployment;
  }

  public Path deploymentFile() {
    return deploymentFile;
  }

  public String rpcUrl() {
    return anvil.rpcUrl().toString();
  }

  public Path workDir() {
    return workDir;
  }

  public List<ProviderNode> providers() {
    return List.copyOf(providers);
  }

  /** Stops the providers (they clear what they hold first), then the chain. */
  @Override
  public void close() throws Exception {
    for (ProviderNode p : providers.reversed()) {
      p.close();
    }
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    client.close();
    anvil.close();
  }

  /** A fresh directory for the network's files. */
  public static Path temporaryWorkDir() throws IOException {
    return Files.createTempDirectory("mysterium-demo-");
  }
}
