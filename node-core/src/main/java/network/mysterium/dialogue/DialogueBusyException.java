package network.mysterium.dialogue;

import network.mysterium.crypto.Address;

/**
 * A send found the dialogue's window full for the whole send timeout: the peer is not keeping up.
 */
public final class DialogueBusyException extends Exception {
  public DialogueBusyException(Address peer, java.time.Duration waited) {
    super("the dialogue with " + peer + " had no room for " + waited.toMillis() + " ms");
  }
}
