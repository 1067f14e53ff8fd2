package network.mysterium.conversation;

import java.util.function.BiConsumer;
import network.mysterium.crypto.Address;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.Dialogues;

/**
 * What a node answers in the dialogues others open with it: one table for the node's one {@link
 * Dialogues}, into which its roles plug their services (a provider its sessions and index while it
 * shares) and from which they unplug. A dialogue takes the table as it is when it opens.
 */
public final class ServiceTable implements Dialogues.Acceptor {
  private record Entry(Conversation.Services services, BiConsumer<Dialogue, String> closed) {}

  private static final Entry NONE = new Entry(Conversation.Services.none(), (d, why) -> {});
  private volatile Entry current = NONE;

  /** From now on, dialogues opened with this node are served by these, and report closing. */
  public void serve(Conversation.Services services, BiConsumer<Dialogue, String> closed) {
    current = new Entry(services, closed);
  }

  /** New dialogues are answered with nothing again (their requests are refused). */
  public void clear() {
    current = NONE;
  }

  @Override
  public Dialogue.Handler accept(Address peer) {
    Entry now = current;
    return new Conversation(now.services(), now.closed());
  }
}
