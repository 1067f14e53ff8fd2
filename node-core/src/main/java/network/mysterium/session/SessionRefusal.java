package network.mysterium.session;

import network.mysterium.conversation.Conversation;

/** Why a provider refuses a session request: the code travels in {@code Refusal.code}. */
public enum SessionRefusal {
  /** The provider offers another service type. */
  WRONG_SERVICE,
  /** The request names a proposal serial that is not the provider's current one. */
  PROPOSAL_OUTDATED,
  /** The consumer has as many sessions open with this provider as it may. */
  TOO_MANY_SESSIONS,
  /** The consumer has no leftover: it pays first. */
  LEFTOVER_EXHAUSTED,
  /** The provider's ledger cannot be read now. */
  LEDGER_UNAVAILABLE,
  /** The service cannot serve the consumer's service data. */
  SERVICE_REFUSED;

  Conversation.RefusedException because(String detail) {
    return new Conversation.RefusedException(name(), detail);
  }

  /** The code of a refusal, if it is one of these. */
  public static java.util.Optional<SessionRefusal> of(Conversation.RefusedException e) {
    return of(e.code());
  }

  /** The refusal a code names, if it is one of these. */
  public static java.util.Optional<SessionRefusal> of(String code) {
    for (SessionRefusal r : values()) {
      if (r.name().equals(code)) {
        return java.util.Optional.of(r);
      }
    }
    return java.util.Optional.empty();
  }
}
