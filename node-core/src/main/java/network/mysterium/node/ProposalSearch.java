package network.mysterium.node;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.RegistryDirectory;
import network.mysterium.conversation.Conversation;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.BlockTimes;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.RemoteIndex;
import network.mysterium.discovery.SignedProposals;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.store.Database;

/**
 * Searching without an identity: a data directory's index, brought up to date with the chain, or a
 * trusted node's index asked over a dialogue (which needs this node's key for the dialogue only).
 * For {@code mysterium search}, which needs no unlocked key for a local search.
 */
public final class ProposalSearch implements AutoCloseable {
  private final NodeChain chain;
  private final Database database;
  private final ChainIndex index;

  private ProposalSearch(NodeChain chain, Database database) {
    this.chain = chain;
    this.database = database;
    this.index = new ChainIndex(database);
  }

  /** Opens the data directory's database and takes in what the chain has now. */
  public static ProposalSearch open(NodeConfig config) throws NodeException {
    NodeChain chain = NodeChain.connect(config.rpc(), config.deploymentFile());
    Database database = null;
    try {
      DataDirectory.createPrivateDirectories(config.dataDir());
      database = Database.open(config.database());
      try (ChainFollower follower =
          ChainFollower.forDeployment(chain.client(), database, chain.deployment())) {
        follower.pollOnce();
      }
      return new ProposalSearch(chain, database);
    } catch (Exception e) {
      if (database != null) {
        database.close();
      }
      chain.close();
      throw NodeException.of(e);
    }
  }

  /** This index's matches, cheapest first. */
  public List<ProposalIndex.Listing> search(ProposalIndex.Query query) throws NodeException {
    try {
      ProposalIndex proposals =
          ProposalIndex.of(database, index, chain.deployment(), BlockTimes.of(chain.client()));
      proposals.sync();
      return proposals.search(query, chain.client().blockNumber());
    } catch (Exception e) {
      throw NodeException.of(e);
    }
  }

  /**
   * Up to {@code wanted} relays announced in the market, cheapest first, never {@code self}'s own
   * (see {@link MarketRelays}); empty when none is announced.
   */
  public List<MarketRelays.Relay> relays(int wanted, Address self) throws NodeException {
    // more than wanted: some listings may be skipped (their own, unusable contacts, duplicates)
    List<ProposalIndex.Listing> listed =
        search(
            ProposalIndex.Query.of(
                java.util.Optional.of(ServiceTypes.RELAY), java.util.Optional.empty(), 64));
    return MarketRelays.pick(
        listed.stream().map(ProposalIndex.Listing::proposal).toList(), self, wanted);
  }

  /**
   * Asks a trusted node's index over a dialogue, listening on {@code listen}; the providers'
   * signatures are checked here. The peer's key comes from the chain's registrations.
   *
   * @throws NodeException {@code PEER_UNREGISTERED}, or {@code PEER_REFUSED} (refused, or no answer
   *     within 15 s)
   */
  public RemoteIndex.Answer searchRemote(
      PrivateKey key, Address peer, Contact peerContact, Contact listen, ProposalIndex.Query query)
      throws NodeException, InterruptedException {
    try {
      if (index.registration(peer).isEmpty()) {
        throw new NodeException(
            NodeException.Code.PEER_UNREGISTERED, "not registered", peer.toString());
      }
      try (Dialogues dialogues =
          new Dialogues(
                  RegistryDirectory.messenger(key, index),
                  Channels.listen(listen),
                  DialogueConfig.DEFAULT,
                  p -> new Conversation(Conversation.Services.none()))
              .start()) {
        Conversation conversation = new Conversation(Conversation.Services.none());
        conversation.on(dialogues.open(peer, peerContact, conversation).get(15, TimeUnit.SECONDS));
        return new RemoteIndex(
                conversation, SignedProposals.of(chain.deployment()), Duration.ofSeconds(15))
            .search(query);
      }
    } catch (Conversation.RefusedException e) {
      throw new NodeException(NodeException.Code.PEER_REFUSED, e.getMessage(), e, peer.toString());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new NodeException(NodeException.Code.PEER_REFUSED, "no answer", e, peer.toString());
    } catch (NodeException | InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw NodeException.of(e);
    }
  }

  @Override
  public void close() {
    try {
      database.close();
    } catch (Exception e) {
      // closing anyway
    }
    chain.close();
  }
}
