package network.mysterium.node;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import network.mysterium.identity.KdfParams;
import network.mysterium.messaging.channel.Contact;

/**
 * What a {@link Node} is built from: its data directory (one database, {@code node.db}, in it), the
 * chain endpoint and deployment, and where it listens for dialogues: its one port, for the
 * dialogues it opens as a consumer and for those consumers open with it while it shares (the port a
 * provider behind a home router forwards).
 *
 * @param reannounceCheck how often sharing checks whether its proposal is due to be announced again
 * @param keystoreKdf the scrypt cost of identities created or imported through the node ({@link
 *     KdfParams#STANDARD}; tests take a cheaper one)
 */
public record NodeConfig(
    Path dataDir,
    URI rpc,
    Path deploymentFile,
    Contact listen,
    Duration reannounceCheck,
    KdfParams.Scrypt keystoreKdf,
    List<InetSocketAddress> relays) {
  public NodeConfig {
    relays = List.copyOf(relays);
  }

  /** How often a provider checks, by default, whether its proposal is due again. */
  public static final Duration REANNOUNCE_CHECK = Duration.ofMinutes(1);

  /** A node on {@code rpc} with {@code deployment.json} in its data directory. */
  public static NodeConfig of(Path dataDir, URI rpc) {
    return new NodeConfig(
        dataDir,
        rpc,
        dataDir.resolve("deployment.json"),
        Contact.parse("udp://0.0.0.0:0"),
        REANNOUNCE_CHECK,
        KdfParams.STANDARD,
        List.of());
  }

  public NodeConfig withDeploymentFile(Path file) {
    return new NodeConfig(dataDir, rpc, file, listen, reannounceCheck, keystoreKdf, relays);
  }

  public NodeConfig withListen(Contact listen) {
    return new NodeConfig(
        dataDir, rpc, deploymentFile, listen, reannounceCheck, keystoreKdf, relays);
  }

  public NodeConfig withReannounceCheck(Duration every) {
    return new NodeConfig(dataDir, rpc, deploymentFile, listen, every, keystoreKdf, relays);
  }

  public NodeConfig withKeystoreKdf(KdfParams.Scrypt kdf) {
    return new NodeConfig(dataDir, rpc, deploymentFile, listen, reannounceCheck, kdf, relays);
  }

  /**
   * Relays (their control addresses) this node registers with, so peers reach it through them when
   * a NAT keeps them from reaching it directly (whitepaper 6.6); while sharing, their allocations
   * are among the proposal's contacts.
   */
  public NodeConfig withRelays(List<InetSocketAddress> relays) {
    return new NodeConfig(
        dataDir, rpc, deploymentFile, listen, reannounceCheck, keystoreKdf, relays);
  }

  Path database() {
    return dataDir.resolve("node.db");
  }
}
