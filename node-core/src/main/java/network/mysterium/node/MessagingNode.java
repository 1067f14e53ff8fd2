package network.mysterium.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.RegistryDirectory;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.conversation.proto.Note;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.BlockTimes;
import network.mysterium.discovery.IndexService;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ProviderAnnouncer;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.store.Database;

/**
 * A node that follows the chain, answers index searches and notes over dialogues from registered
 * identities, and keeps this identity's announced proposals alive: {@code mysterium node}, the
 * protocol's messaging layer on its own (for a trusted index others search, and for diagnosis).
 */
public final class MessagingNode implements AutoCloseable {
  /** What the node tells its user. */
  public interface Listener {
    default void dialogueWith(Address peer) {}

    default void note(Address peer, String text) {}

    default void closed(Address peer, String reason) {}

    default void reannounced(int proposals) {}

    /** The re-announcing stopped: the key or the chain went away. */
    default void reannouncingStopped(String why) {}
  }

  private final NodeChain chain;
  private final Database database;
  private final ChainFollower follower;
  private final ChainIndex index;
  private final Dialogues dialogues;
  private final Listener listener;
  private final Thread reannouncing;

  private MessagingNode(
      NodeChain chain,
      Database database,
      ChainFollower follower,
      ChainIndex index,
      Dialogues dialogues,
      Listener listener,
      Thread reannouncing) {
    this.chain = chain;
    this.database = database;
    this.follower = follower;
    this.index = index;
    this.dialogues = dialogues;
    this.listener = listener;
    this.reannouncing = reannouncing;
  }

  /** Starts listening on {@code listen}; the key stays its caller's (who wipes it after close). */
  public static MessagingNode start(
      NodeConfig config, PrivateKey key, Contact listen, Listener listener) throws NodeException {
    NodeChain chain = NodeChain.connect(config.rpc(), config.deploymentFile());
    Database database = null;
    ChainFollower follower = null;
    try {
      DataDirectory.createPrivateDirectories(config.dataDir());
      database = Database.open(config.database());
      follower = ChainFollower.forDeployment(chain.client(), database, chain.deployment());
      ChainIndex index = new ChainIndex(database);
      follower.pollOnce();
      follower.start();
      ProposalIndex proposals =
          ProposalIndex.of(database, index, chain.deployment(), BlockTimes.of(chain.client()));
      Conversation.Services services =
          new IndexService(proposals, follower)
              .addTo(Conversation.Services.none())
              .with(Exchange.BodyCase.NOTE, notes(listener));
      Dialogues dialogues =
          new Dialogues(
                  RegistryDirectory.messenger(key, index),
                  Channels.listen(listen),
                  DialogueConfig.DEFAULT,
                  p -> {
                    listener.dialogueWith(p);
                    return new Conversation(services, (d, why) -> listener.closed(d.peer(), why));
                  })
              .start();
      ProviderAnnouncer announcer =
          ProviderAnnouncer.onChain(database, chain.client(), chain.deployment(), key, proposals);
      Thread reannouncing =
          Thread.ofVirtual()
              .name("reannounce")
              .start(() -> reannounce(announcer, chain, key, config, listener));
      return new MessagingNode(chain, database, follower, index, dialogues, listener, reannouncing);
    } catch (Exception e) {
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
      chain.close();
      throw NodeException.of(e);
    }
  }

  /**
   * Checks at the config's interval and re-announces this identity's proposals half-way to the
   * deployment's expiry.
   */
  private static void reannounce(
      ProviderAnnouncer announcer,
      NodeChain chain,
      PrivateKey key,
      NodeConfig config,
      Listener listener) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        int count = announcer.reannounceDue(chain.blockNumber(), key);
        if (count > 0) {
          listener.reannounced(count);
        }
        Thread.sleep(config.reannounceCheck().toMillis());
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        listener.reannouncingStopped(e.getMessage());
        return;
      }
    }
  }

  private static Conversation.Service notes(Listener listener) {
    return (dialogue, message) -> {
      listener.note(dialogue.peer(), message.getNote().getText());
      return null;
    };
  }

  public Contact contact() {
    return dialogues.contact();
  }

  /**
   * Opens a dialogue with a peer (waiting up to 30 s for the chain to show its registration) and
   * sends it notes, each acknowledged.
   *
   * @return how long opening the dialogue took, in milliseconds
   * @throws NodeException {@code PEER_UNREGISTERED} when its registration does not appear
   */
  public long talk(Address peer, Contact contact, List<String> texts) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (index.registration(peer).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new NodeException(
            NodeException.Code.PEER_UNREGISTERED, "not registered", peer.toString());
      }
      Thread.sleep(100); // the follower polls the chain; nothing to await but its next round
    }
    long start = System.nanoTime();
    Conversation conversation =
        new Conversation(
            Conversation.Services.none().with(Exchange.BodyCase.NOTE, notes(listener)),
            (d, why) -> listener.closed(d.peer(), why));
    Dialogue dialogue = dialogues.open(peer, contact, conversation).get(15, TimeUnit.SECONDS);
    conversation.on(dialogue);
    long openedMillis = (System.nanoTime() - start) / 1_000_000;
    List<CompletableFuture<Void>> acknowledged = new ArrayList<>();
    for (String text : texts) {
      acknowledged.add(
          conversation.notify(Exchange.newBuilder().setNote(Note.newBuilder().setText(text))));
    }
    CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new))
        .get(30, TimeUnit.SECONDS);
    return openedMillis;
  }

  @Override
  public void close() {
    reannouncing.interrupt();
    dialogues.close();
    follower.close();
    try {
      database.close();
    } catch (Exception e) {
      // closing anyway
    }
    chain.close();
  }
}
