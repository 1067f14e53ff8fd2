package network.mysterium.cli;

import java.net.URI;
import java.nio.file.Path;
import network.mysterium.crypto.Address;
import network.mysterium.node.NodeChain;
import network.mysterium.node.NodeConfig;
import network.mysterium.node.NodeException;
import picocli.CommandLine.Option;

/** Which chain and which deployment of the contracts a command talks to. */
public final class ChainOptions {
  public static final String DEFAULT_RPC = "http://127.0.0.1:8545";

  @Option(names = "--rpc", paramLabel = "URL", defaultValue = DEFAULT_RPC, descriptionKey = "rpc")
  private URI rpc;

  // An endpoint with an API key in it stays off the command line: every local user can read that
  // (/proc/PID/cmdline), while the file can be the node user's alone.
  @Option(names = "--rpc-file", paramLabel = "FILE", descriptionKey = "rpc-file")
  private Path rpcFile;

  @Option(names = "--deployment", paramLabel = "FILE", descriptionKey = "deployment")
  private Path deployment;

  /** The endpoint: the first line of {@code --rpc-file} when given, {@code --rpc} otherwise. */
  public URI rpc() throws NodeException {
    if (rpcFile == null) {
      return rpc;
    }
    String line;
    try (java.io.BufferedReader in =
        java.nio.file.Files.newBufferedReader(rpcFile, java.nio.charset.StandardCharsets.UTF_8)) {
      line = in.readLine();
    } catch (java.io.IOException e) {
      throw new NodeException(
          NodeException.Code.CHAIN_UNREACHABLE,
          "cannot read the RPC file " + rpcFile + ": " + e.getMessage(),
          e);
    }
    try {
      URI given = URI.create(line == null ? "" : line.strip());
      if (given.getScheme() != null && given.getHost() != null) {
        return given;
      }
    } catch (IllegalArgumentException e) {
      // said below, without the line: it may hold a key
    }
    throw new NodeException(
        NodeException.Code.CHAIN_UNREACHABLE,
        "the first line of " + rpcFile + " is not an RPC URL");
  }

  /** The deployment file: given, or {@code deployment.json} in the node's data directory. */
  public Path deploymentFile(MysteriumCommand root) {
    return deployment != null ? deployment : root.dataDirectory().root().resolve("deployment.json");
  }

  /** The config of a node on this chain in the command's data directory. */
  public NodeConfig nodeConfig(MysteriumCommand root) throws NodeException {
    return NodeConfig.of(root.dataDirectory().root(), rpc())
        .withDeploymentFile(deploymentFile(root));
  }

  /** Connects and checks that the RPC serves the deployment's chain. */
  public NodeChain connect(MysteriumCommand root) throws NodeException {
    return NodeChain.connect(rpc(), deploymentFile(root));
  }

  /** On anvil's chain, gives an identity without ETH enough for gas and says so. */
  public static void fundGasOnDevChain(NodeChain chain, Address address, MysteriumCommand root)
      throws NodeException {
    if (chain.fundGasOnDevChain(address)) {
      root.say("chain.funded", address);
    }
  }
}
