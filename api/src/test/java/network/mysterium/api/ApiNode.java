package network.mysterium.api;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.node.NodeConfig;

/** A node on a local network (a real anvil, a real SQLite file) with its API on a Unix socket. */
final class ApiNode implements AutoCloseable {
  final Node node;
  final ApiServer api;
  final Curl curl;

  private ApiNode(Node node, ApiServer api) {
    this.node = node;
    this.api = api;
    this.curl = Curl.unix(api.unixSocket());
  }

  /** A registered identity with {@code myst} in its wallet and {@code deposit} deposited. */
  static ApiNode start(
      LocalNetwork network,
      Path dataDir,
      Myst myst,
      Myst deposit,
      UnaryOperator<ApiServer.Options> how)
      throws Exception {
    PrivateKey key = network.newIdentity(myst, deposit);
    return start(network, dataDir, key, how);
  }

  static ApiNode start(
      LocalNetwork network, Path dataDir, PrivateKey key, UnaryOperator<ApiServer.Options> how)
      throws Exception {
    return start(network, dataDir, key, c -> c, how);
  }

  /** With the node's configuration changed by {@code config} (a cheap keystore KDF, say). */
  static ApiNode start(
      LocalNetwork network,
      Path dataDir,
      PrivateKey key,
      UnaryOperator<NodeConfig> config,
      UnaryOperator<ApiServer.Options> how)
      throws Exception {
    Files.createDirectories(dataDir);
    Node node =
        Node.start(
            config.apply(
                NodeConfig.of(dataDir, URI.create(network.rpcUrl()))
                    .withDeploymentFile(network.deploymentFile())
                    .withListen(Contact.parse("udp://127.0.0.1:0"))
                    .withReannounceCheck(Duration.ofSeconds(1))),
            key);
    try {
      return new ApiNode(
          node, ApiServer.start(node, how.apply(ApiServer.Options.defaults(dataDir))));
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  @Override
  public void close() {
    api.close();
    node.close();
  }

  /** Waits (bounded) for a condition instead of sleeping a fixed time. */
  static void await(BooleanSupplier condition, Duration within, String what) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
