package network.mysterium.node;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.chain.ChainWallet;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.IdentityRegistryContract;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;

/**
 * One chain endpoint and the deployment of the contracts on it: what every command that touches the
 * chain opens first. The contract bindings stay inside node-core; callers see MYST amounts,
 * addresses and {@link NodeException}s.
 */
public final class NodeChain implements AutoCloseable {
  /** The default endpoint: a local development chain (anvil) on its usual port. */
  public static final URI LOCAL_RPC = URI.create(EthereumClient.LOCAL_RPC);

  private final EthereumClient client;
  private final Deployment deployment;

  NodeChain(EthereumClient client, Deployment deployment) {
    this.client = client;
    this.deployment = deployment;
  }

  /** Connects and checks that the endpoint serves the chain the deployment file names. */
  public static NodeChain connect(URI rpc, Path deploymentFile) throws NodeException {
    Deployment deployment = readDeployment(deploymentFile);
    try {
      return new NodeChain(EthereumClient.connect(rpc, deployment.chainId()), deployment);
    } catch (ChainException e) {
      // the client's message names the endpoint redacted (a key in its path stays out)
      throw new NodeException(NodeException.Code.CHAIN_UNREACHABLE, e.getMessage(), e);
    }
  }

  static Deployment readDeployment(Path file) throws NodeException {
    try {
      return Deployment.read(file);
    } catch (ChainException e) {
      throw new NodeException(NodeException.Code.NO_DEPLOYMENT, e.getMessage(), e, file.toString());
    }
  }

  /** The endpoint with anything that may be a key (path, query, user info) left out, for logs. */
  public static String redacted(URI rpc) {
    return EthereumClient.redacted(rpc);
  }

  /** What {@code chain deploy} sets: token supply, registration stake, the fee and its account. */
  public record Parameters(
      Myst tokenSupply, Myst registrationStake, Address feeAccount, int feeBps) {}

  /** The addresses of a deployment, in deployment order, and the block it started at. */
  public record Contracts(
      long chainId, Map<String, String> addresses, long startBlock, boolean fundedGas) {}

  /**
   * Deploys the four contracts with {@code deployer} as owner (funding its gas first on a
   * development chain) and writes the deployment file.
   */
  public static Contracts deploy(
      URI rpc, PrivateKey deployer, Parameters parameters, Path deploymentFile)
      throws NodeException {
    try (EthereumClient client = EthereumClient.connect(rpc)) {
      boolean funded = client.fundGasOnDevChain(deployer.address().toString());
      Deployment deployment =
          Deployer.deploy(
              client,
              ChainAccounts.credentials(deployer),
              new Deployer.Parameters(
                  parameters.tokenSupply().baseUnits(),
                  parameters.registrationStake().baseUnits(),
                  parameters.feeAccount().toString(),
                  parameters.feeBps()));
      Map<String, String> addresses = new LinkedHashMap<>();
      addresses.put("MystToken", deployment.token());
      addresses.put("IdentityRegistry", deployment.identityRegistry());
      addresses.put("ServiceRegistry", deployment.serviceRegistry());
      addresses.put("Payments", deployment.payments());
      try {
        deployment.write(deploymentFile);
      } catch (java.io.IOException e) {
        throw new NodeException(
            NodeException.Code.STORAGE,
            "deployed, but "
                + deploymentFile
                + " cannot be written: "
                + e.getMessage()
                + " "
                + addresses,
            e);
      }
      return new Contracts(client.chainId(), addresses, deployment.startBlock(), funded);
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /** On a development chain (anvil), gives an address gas; true when it did. */
  public boolean fundGasOnDevChain(Address address) throws NodeException {
    try {
      return client.fundGasOnDevChain(address.toString());
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /** The stake the identity registry asks now. */
  public Myst registrationStake() throws NodeException {
    try {
      return Myst.ofBaseUnits(
          new IdentityRegistryContract(client, deployment.identityRegistry()).registrationStake());
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /** The most a consumer may owe a provider uncleared: half the stake (whitepaper 6.5.6). */
  public Myst exposureCap() throws NodeException {
    return Myst.ofBaseUnits(registrationStake().baseUnits().shiftRight(1));
  }

  public long blockNumber() throws NodeException {
    try {
      return client.blockNumber();
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  public long chainId() {
    return deployment.chainId();
  }

  /** Registers an identity, paying the stake from its own wallet; the transaction's hash. */
  public String register(PrivateKey identity) throws NodeException {
    try {
      return new ChainWallet(client, deployment).register(identity).getTransactionHash();
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * Any identity's balances and registration; what it promised is in its node's ledger, not on
   * chain ({@link #uncleared}): {@link NodeWallet.Uncleared#NONE} here.
   */
  public NodeWallet.Balances balances(Address identity) throws NodeException {
    try {
      ChainWallet wallet = new ChainWallet(client, deployment);
      return NodeWallet.Balances.of(wallet.balances(identity), wallet, NodeWallet.Uncleared.NONE);
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * What {@code identity} promised providers and the chain shows not cleared, from the ledger in
   * the data directory of {@code node} (which does not run: the chain answers for the clearings,
   * one call per provider); nothing when that directory holds no database.
   */
  public NodeWallet.Uncleared uncleared(NodeConfig node, Address identity) throws NodeException {
    if (!java.nio.file.Files.isRegularFile(node.database())) {
      return NodeWallet.Uncleared.NONE;
    }
    try (network.mysterium.store.Database database =
        network.mysterium.store.Database.open(node.database())) {
      java.util.List<network.mysterium.payments.SignedPromise> issued =
          network.mysterium.payments.IssuedPromises.issued(database, identity);
      network.mysterium.contracts.PaymentsContract payments =
          new network.mysterium.contracts.PaymentsContract(client, deployment.payments());
      java.util.Map<Address, Long> cleared = new java.util.HashMap<>();
      for (network.mysterium.payments.SignedPromise p : issued) {
        Address provider = p.promise().benefiter();
        if (!cleared.containsKey(provider)) {
          cleared.put(
              provider,
              payments
                  .lastClearedSerial(identity.toString(), provider.toString())
                  .longValueExact());
        }
      }
      return NodeWallet.Uncleared.of(issued, cleared);
    } catch (Exception e) {
      throw NodeException.of(e);
    }
  }

  /**
   * Deposits from {@code from}'s wallet into {@code beneficiary}'s payments account (approving
   * first when needed), for a command whose user said so on its command line.
   *
   * @return the deposit's transaction hash
   */
  public String deposit(PrivateKey from, Address beneficiary, Myst amount) throws NodeException {
    try {
      return new ChainWallet(client, deployment)
          .deposit(from, beneficiary, amount)
          .getTransactionHash();
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * Requests a withdrawal from {@code identity}'s payments account to {@code to} (it completes
   * after the deployment's notice); the transaction's hash.
   */
  public String requestWithdrawal(PrivateKey identity, Address to, Myst amount)
      throws NodeException {
    try {
      return new ChainWallet(client, deployment)
          .requestWithdrawal(identity, to, amount)
          .getTransactionHash();
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /** Completes {@code identity}'s requested withdrawal after its notice; the transaction's hash. */
  public String completeWithdrawal(PrivateKey identity) throws NodeException {
    try {
      return new ChainWallet(client, deployment).completeWithdrawal(identity).getTransactionHash();
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /** {@code identity}'s requested withdrawal, if any. */
  public java.util.Optional<ChainWallet.PendingWithdrawal> pendingWithdrawal(Address identity)
      throws NodeException {
    try {
      return new ChainWallet(client, deployment).pendingWithdrawal(identity);
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  EthereumClient client() {
    return client;
  }

  Deployment deployment() {
    return deployment;
  }

  @Override
  public void close() {
    client.close();
  }
}
