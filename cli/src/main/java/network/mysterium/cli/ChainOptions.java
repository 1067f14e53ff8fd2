package network.mysterium.cli;

import java.net.URI;
import java.nio.file.Path;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import picocli.CommandLine.Option;

/** Which chain and which deployment of the contracts a command talks to. */
public final class ChainOptions {
  public static final String DEFAULT_RPC = EthereumClient.LOCAL_RPC;

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

  /** On anvil's chain, gives an identity without ETH enough for gas and says so. */
  public static void fundGasOnDevChain(EthereumClient client, String address, MysteriumCommand root)
      throws ChainException {
    if (client.fundGasOnDevChain(address)) {
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
