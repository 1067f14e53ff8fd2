package network.mysterium.cli.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Peer;
import network.mysterium.cli.Stopping;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.cli.UserError;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.node.MessagingNode;
import network.mysterium.node.NodeException;
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
    Contact local = Contact.parse(listen);
    Optional<Peer> peer = Optional.ofNullable(connect).map(c -> Peer.parse(c, "--connect"));
    MessagingNode.Listener printing =
        new MessagingNode.Listener() {
          @Override
          public void dialogueWith(Address p) {
            root.say("node.dialogue-with", p);
          }

          @Override
          public void note(Address p, String text) {
            root.say("node.message", p, text);
          }

          @Override
          public void closed(Address p, String reason) {
            root.say("node.dialogue-closed", p, reason);
          }

          @Override
          public void reannounced(int proposals) {
            root.say("node.reannounced", Integer.toString(proposals));
          }

          @Override
          public void reannouncingStopped(String why) {
            root.environment()
                .err()
                .println(root.environment().messages().get("error.prefix", why));
          }
        };
    try (Stopping stopping = Stopping.onSignal(); // first: closed after everything below
        PrivateKey key = unlocking.unlock(root);
        MessagingNode node =
            MessagingNode.start(chainOptions.nodeConfig(root), key, local, printing)) {
      root.say("node.listening", key.address(), node.contact());
      if (peer.isPresent()) {
        long millis;
        try {
          millis = node.talk(peer.get().address(), peer.get().contact(), messages);
        } catch (NodeException e) {
          if (e.code() == NodeException.Code.PEER_UNREGISTERED) {
            throw new UserError("error.peer-unregistered", peer.get().address());
          }
          throw e;
        }
        root.say("node.dialogue-opened", peer.get().address(), Long.toString(millis));
        root.say("node.sent", Integer.toString(messages.size()), peer.get().address());
      }
      root.environment().out().flush();
      stopping.await(java.time.Duration.ofSeconds(runForSeconds)); // zero: until a signal
    }
    return 0;
  }
}
