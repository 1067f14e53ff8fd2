package network.mysterium.dialogue;

import java.time.Duration;

/**
 * Timing and sizes of dialogues.
 *
 * @param keepAlive send a keep-alive after this long without sending anything
 * @param silence close the dialogue after this long without hearing from the peer
 * @param establishTimeout give up establishing after this long without an acknowledgement
 * @param window most data messages in flight (sent, not yet acknowledged) per direction
 * @param sendTimeout longest a sender waits for room in a full window before the send fails
 * @param maxTransmissions close the dialogue when a message was sent this often unacknowledged (a
 *     peer that keeps the dialogue alive but acknowledges nothing)
 * @param inbox most received messages waiting for the application; beyond, data is not acknowledged
 *     and the peer retransmits later
 */
public record DialogueConfig(
    Duration keepAlive,
    Duration silence,
    Duration establishTimeout,
    int window,
    Duration sendTimeout,
    int maxTransmissions,
    int inbox) {
  public static final DialogueConfig DEFAULT =
      new DialogueConfig(
          Duration.ofSeconds(10), Duration.ofSeconds(45), Duration.ofSeconds(10), 256);

  /**
   * With the default send timeout (10 s), transmission cap (16, about 35 s) and an inbox of 4
   * windows.
   */
  public DialogueConfig(
      Duration keepAlive, Duration silence, Duration establishTimeout, int window) {
    this(keepAlive, silence, establishTimeout, window, Duration.ofSeconds(10), 16, 4 * window);
  }

  public DialogueConfig {
    if (window < 1 || silence.compareTo(keepAlive) <= 0) {
      throw new IllegalArgumentException("window >= 1 and silence longer than keepAlive");
    }
    if (maxTransmissions < 2 || inbox < 1 || sendTimeout.isNegative()) {
      throw new IllegalArgumentException("maxTransmissions >= 2, inbox >= 1, sendTimeout >= 0");
    }
  }
}
