package network.mysterium.cli;

import java.net.URI;
import java.nio.file.Path;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import picocli.CommandLine.Option;

/** Which chain and which deployment of the contracts a command talks to. */
public final class ChainOptions {
  public static final String DEFAULT_RPC = "http://127.0.0.1:8545";

  @Option(names = "--rpc", paramLabel = "URL", defaultValue = DEFAULT_RPC, descriptionKey = "rpc")
  private URI rpc;

  @Option(names = "--deployment", paramLabel = "FILE", descriptionKey = "deployment")
  private Path deployment;

  public URI rpc() {
    return rpc;
  }

  /** The deployment file: given, or {@code deployment.json} in the node's data directory. */
  public Path deploymentFile(MysteriumCommand root) {
    return deployment != null ? deployment : root.dataDirectory().root().resolve("deployment.json");
  }

  public Deployment deployment(MysteriumCommand root) throws ChainException {
    return Deployment.read(deploymentFile(root));
  }

  /** ETH given for gas to an identity that has none, on a local development chain only. */
  private static final java.math.BigInteger DEV_ETHER =
      java.math.BigInteger.TEN.pow(21); // 1,000 ETH

  /**
   * On anvil's chain, gives an identity without ETH enough for gas and says so; elsewhere does
   * nothing (the identity must be funded by its owner).
   */
  public static void fundGasOnDevChain(EthereumClient client, String address, MysteriumCommand root)
      throws ChainException {
    if (client.chainId() == EthereumClient.DEV_CHAIN_ID
        && client.etherBalance(address).signum() == 0) {
      client.fundOnDevChain(address, DEV_ETHER);
      root.say("chain.funded", address);
    }
  }

  /** The follower of a deployment's contracts into a node database. */
  public static network.mysterium.chain.ChainFollower follower(
      EthereumClient client, network.mysterium.store.Database database, Deployment deployment) {
    return network.mysterium.chain.ChainFollower.forDeployment(client, database, deployment);
  }

  /** Connects and checks that the RPC serves the deployment's chain. */
  public EthereumClient connect(Deployment deployment) throws ChainException {
    return EthereumClient.connect(rpc, deployment.chainId());
  }
}
