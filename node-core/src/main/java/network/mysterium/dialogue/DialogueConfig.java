package network.mysterium.dialogue;

import java.time.Duration;

/**
 * Timing and sizes of dialogues.
 *
 * @param keepAlive send a keep-alive after this long without sending anything
 * @param silence close the dialogue after this long without hearing from the peer
 * @param establishTimeout give up establishing after this long without an acknowledgement
 * @param window most data messages in flight (sent, not yet acknowledged) per direction
 */
public record DialogueConfig(
    Duration keepAlive, Duration silence, Duration establishTimeout, int window) {
  public static final DialogueConfig DEFAULT =
      new DialogueConfig(
          Duration.ofSeconds(10), Duration.ofSeconds(45), Duration.ofSeconds(10), 256);

  public DialogueConfig {
    if (window < 1 || silence.compareTo(keepAlive) <= 0) {
      throw new IllegalArgumentException("window >= 1 and silence longer than keepAlive");
    }
  }
}
