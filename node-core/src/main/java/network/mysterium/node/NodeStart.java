package network.mysterium.node;

import java.io.IOException;
import java.time.Duration;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.RegistryDirectory;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.conversation.ServiceTable;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.relay.PunchingChannel;
import network.mysterium.relay.Reachability;
import network.mysterium.relay.RelayedChannel;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/** Puts a {@link Node} together from its parts, closing what it opened if a part fails. */
final class NodeStart {
  /** Within common NAT UDP timeouts (30 s and up), so the relay's path back stays open. */
  private static final Duration RELAY_KEEPALIVE = Duration.ofSeconds(15);

  private NodeStart() {}

  /** Where the node's router maps it, while its relays see a NAT in between: what punches name. */
  static java.util.function.Supplier<java.util.Optional<java.net.InetSocketAddress>>
      mappedBehindNat(RelayedChannel relayed) {
    if (relayed == null) {
      return java.util.Optional::empty;
    }
    return () ->
        Reachability.of(java.util.Optional.of(relayed)).kind() == Reachability.Kind.THROUGH_RELAY
            ? relayed.first().map(RelayedChannel.Registration::observed)
            : java.util.Optional.empty();
  }

  /** {@code lock}: the one this node releases when it closes, or null when the caller keeps it. */
  static Node compose(NodeConfig config, PrivateKey key, DataDirectoryLock lock)
      throws NodeException {
    NodeChain chain = null;
    Database database = null;
    ChainFollower follower = null;
    Dialogues dialogues = null;
    RelayedChannel relayed = null;
    Channel channel = null;
    try {
      DataDirectory.createPrivateDirectories(config.dataDir());
      chain = NodeChain.connect(config.rpc(), config.deploymentFile());
      database = Database.open(config.database());
      follower = ChainFollower.forDeployment(chain.client(), database, chain.deployment());
      follower.pollOnce();
      follower.start();
      ServiceTable table = new ServiceTable();
      channel = Channels.listen(config.listen());
      if (!config.relays().isEmpty()) {
        relayed = new RelayedChannel(channel, key, config.relays(), RELAY_KEEPALIVE);
        channel = relayed;
      }
      PunchingChannel punching = new PunchingChannel(channel, mappedBehindNat(relayed));
      channel = punching;
      dialogues =
          new Dialogues(
                  RegistryDirectory.messenger(key, new ChainIndex(database), database.file()),
                  channel,
                  DialogueConfig.DEFAULT,
                  table)
              .start();
      punching.onDirectPath(dialogues::movePath);
      ConsumerNode consumer =
          ConsumerNode.on(key, database, follower, dialogues, chain.client(), chain.deployment());
      return new Node(
          key, config, lock, chain, database, follower, dialogues, table, consumer, relayed,
          punching);
    } catch (NodeException | IOException | StoreException | RuntimeException e) {
      if (dialogues != null) {
        dialogues.close(); // closes its channel
      } else if (channel != null) {
        channel.close(); // the port (and the relays' keepalives) of a node that never started
      }
      if (follower != null) {
        follower.close();
      }
      if (database != null) {
        try {
          database.close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      if (chain != null) {
        chain.close();
      }
      key.close();
      throw NodeException.of(e);
    }
  }
}
