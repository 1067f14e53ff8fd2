package network.mysterium.dialogue;

import network.mysterium.crypto.Address;

/** The dialogue ended before the operation could complete; the message says why. */
public final class DialogueClosedException extends Exception {
  public DialogueClosedException(Address peer, String reason) {
    super("dialogue with " + peer + " closed: " + reason);
  }
}
