package network.mysterium.discovery;

import java.util.Optional;
import network.mysterium.conversation.Conversation;

/** Why a node refuses an index query: the code travels in {@code Refusal.code}. */
public enum IndexRefusal {
  /** The peer asked faster than its rate: ask again later (the first pages still stand). */
  RATE_LIMITED,
  /** The node's index cannot be read now (its database, or its chain not read yet). */
  UNAVAILABLE,
  /** The query cannot be answered as asked. */
  BAD_QUERY;

  Conversation.RefusedException because(String detail) {
    return new Conversation.RefusedException(name(), detail);
  }

  /** The code of a refusal, if it is one of these. */
  public static Optional<IndexRefusal> of(Conversation.RefusedException e) {
    for (IndexRefusal r : values()) {
      if (r.name().equals(e.code())) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
