package network.mysterium.cli.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.RegistryDirectory;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Peer;
import network.mysterium.cli.Stopping;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.cli.UserError;
import network.mysterium.cli.discovery.ProviderCommand;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.conversation.proto.Note;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.IndexService;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ProviderAnnouncer;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Runs a node: follows the chain into its database, listens for dialogues from registered
 * identities, and optionally opens one with a peer and sends it messages.
 */
@Command(name = "node", mixinStandardHelpOptions = true)
public final class NodeCommand implements Callable<Integer> {
  @ParentCommand private MysteriumCommand root;
  @Mixin private ChainOptions chainOptions;
  @Mixin private UnlockOptions unlocking;

  @Option(
      names = "--listen",
      paramLabel = "CONTACT",
      defaultValue = "udp://127.0.0.1:0",
      descriptionKey = "listen")
  private String listen;

  @Option(names = "--connect", paramLabel = "ADDRESS@CONTACT", descriptionKey = "connect")
  private String connect;

  @Option(names = "--send", paramLabel = "TEXT", descriptionKey = "send")
  private List<String> messages = new ArrayList<>();

  @Option(
      names = "--run-for",
      paramLabel = "SECONDS",
      defaultValue = "0",
      descriptionKey = "run-for")
  private long runForSeconds;

  @Override
  public Integer call() throws Exception {
    Deployment deployment = chainOptions.deployment(root);
    Contact local = Contact.parse(listen);
    Optional<Peer> peer = Optional.ofNullable(connect).map(c -> Peer.parse(c, "--connect"));
    DataDirectory dataDirectory = root.dataDirectory();
    DataDirectory.createPrivateDirectories(dataDirectory.root());
    try (Stopping stopping = Stopping.onSignal(); // first: closed after everything below
        PrivateKey key = unlocking.unlock(root);
        EthereumClient client = chainOptions.connect(deployment);
        Database database = Database.open(dataDirectory.root().resolve("node.db"));
        ChainFollower follower = ChainOptions.follower(client, database, deployment)) {
      ChainIndex index = new ChainIndex(database);
      follower.pollOnce();
      follower.start();
      Messenger messenger = RegistryDirectory.messenger(key, index);
      ProposalIndex proposals =
          ProposalIndex.of(
              database, index, deployment, network.mysterium.discovery.BlockTimes.of(client));
      Thread reannouncing = startReannouncing(client, database, deployment, key, proposals);
      Conversation.Services services =
          new IndexService(proposals, () -> headBlock(client))
              .addTo(Conversation.Services.none())
              .with(Exchange.BodyCase.NOTE, this::printNote);
      try (Dialogues dialogues =
          new Dialogues(
                  messenger,
                  Channels.listen(local),
                  DialogueConfig.DEFAULT,
                  p -> {
                    root.say("node.dialogue-with", p);
                    return new Conversation(services, this::printClosed);
                  })
              .start()) {
        root.say("node.listening", key.address(), dialogues.contact());
        if (peer.isPresent()) {
          talk(dialogues, index, peer.get());
        }
        root.environment().out().flush();
        stopping.await(java.time.Duration.ofSeconds(runForSeconds)); // zero: until a signal
      } finally {
        reannouncing.interrupt();
      }
    }
    return 0;
  }

  /**
   * Keeps this provider's proposals alive: checks every minute and re-announces those that are
   * half-way to the deployment's expiry (see {@link ProviderCommand#REANNOUNCE_CHECK}).
   */
  private Thread startReannouncing(
      EthereumClient client,
      Database database,
      Deployment deployment,
      PrivateKey key,
      ProposalIndex proposals) {
    ProviderAnnouncer announcer =
        ProviderAnnouncer.onChain(database, client, deployment, key, proposals);
    return Thread.ofVirtual()
        .name("reannounce")
        .start(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  int count = announcer.reannounceDue(client.blockNumber(), key);
                  if (count > 0) {
                    root.say("node.reannounced", Integer.toString(count));
                  }
                  Thread.sleep(ProviderCommand.REANNOUNCE_CHECK.toMillis());
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  root.environment()
                      .err()
                      .println(root.environment().messages().get("error.prefix", e.getMessage()));
                  return; // the key or the chain went away: the node is stopping
                }
              }
            });
  }

  private void talk(Dialogues dialogues, ChainIndex index, Peer peer) throws Exception {
    // The peer's key comes from the chain: wait until the follower has seen its registration.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (index.registration(peer.address()).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new UserError("error.peer-unregistered", peer.address());
      }
      Thread.sleep(100);
    }
    long start = System.nanoTime();
    Conversation conversation =
        new Conversation(
            Conversation.Services.none().with(Exchange.BodyCase.NOTE, this::printNote),
            this::printClosed);
    Dialogue dialogue =
        dialogues.open(peer.address(), peer.contact(), conversation).get(15, TimeUnit.SECONDS);
    conversation.on(dialogue);
    root.say(
        "node.dialogue-opened",
        peer.address(),
        Long.toString((System.nanoTime() - start) / 1_000_000));
    List<CompletableFuture<Void>> acknowledged = new ArrayList<>();
    for (String text : messages) {
      acknowledged.add(
          conversation.notify(Exchange.newBuilder().setNote(Note.newBuilder().setText(text))));
    }
    CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new))
        .get(30, TimeUnit.SECONDS);
    root.say("node.sent", Integer.toString(messages.size()), peer.address());
  }

  private static long headBlock(EthereumClient client) {
    try {
      return client.blockNumber();
    } catch (Exception e) {
      throw new IllegalStateException("the chain is unreachable: " + e.getMessage(), e);
    }
  }

  private Exchange.Builder printNote(Dialogue dialogue, Exchange message) {
    root.say("node.message", dialogue.peer(), message.getNote().getText());
    return null;
  }

  private void printClosed(Dialogue dialogue, String reason) {
    root.say("node.dialogue-closed", dialogue.peer(), reason);
  }
}
