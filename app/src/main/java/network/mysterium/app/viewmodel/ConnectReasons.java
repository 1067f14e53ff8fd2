package network.mysterium.app.viewmodel;

import java.util.List;
import java.util.Optional;
import network.mysterium.consumer.Connector;
import network.mysterium.i18n.Messages;
import network.mysterium.money.Myst;
import network.mysterium.payments.proto.PaymentRefused;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionRefusal;
import network.mysterium.session.SpendLimit;

/**
 * Why a connection did not open, or why this app left a provider, in the user's words: chosen from
 * the typed failure and refusal code, never from the text (which is only shown as detail).
 */
public final class ConnectReasons {
  private final Messages messages;
  private final SpendLimit limit;
  private final Myst paymentStep;

  public ConnectReasons(Messages messages, SpendLimit limit, Myst paymentStep) {
    this.messages = messages;
    this.limit = limit;
    this.paymentStep = paymentStep;
  }

  /** Why this app stopped paying a provider and ended the session ({@code endedBy} not null). */
  public String left(ConsumerSession.Failure endedBy, String reason) {
    return switch (endedBy) {
      case OVERBILLED -> messages.get("app.connect.left.overbilled");
      case ADVICE_ABOVE_STEP ->
          messages.get("app.connect.left.advice-above-step", paymentStep.toPlainString());
      case SPEND_LIMIT, PROVIDER_SPEND_LIMIT ->
          messages.get("app.connect.left.spend-limit", session(), provider());
      case REFUSED -> messages.get("app.connect.left.refused", reason);
      case OTHER -> messages.get("app.connect.status.ended", reason);
    };
  }

  /** Why no provider could be connected: the most useful of the candidates' typed failures. */
  public String notConnected(Connector.NoProviderException e, String countryName) {
    List<ConsumerSession.SessionFailedException> failures = e.failures();
    if (failures.isEmpty()) {
      return messages.get("app.connect.error.no-provider", countryName);
    }
    // the user's own limit first: it is the one they can change
    for (ConsumerSession.SessionFailedException f : failures) {
      if (f.failure() == ConsumerSession.Failure.SPEND_LIMIT
          || f.failure() == ConsumerSession.Failure.PROVIDER_SPEND_LIMIT) {
        return messages.get("app.connect.error.spend-limit", session(), provider());
      }
    }
    for (ConsumerSession.SessionFailedException f : failures) {
      if (lowBalance(f)) {
        return messages.get("app.connect.error.balance");
      }
    }
    ConsumerSession.SessionFailedException last = failures.getLast();
    return last.failure() == ConsumerSession.Failure.REFUSED
        ? messages.get("app.connect.error.refused", last.getMessage())
        : messages.get("app.connect.error.failed", last.getMessage());
  }

  /** The provider refused for want of money: no leftover, or a promise above what is held. */
  private static boolean lowBalance(ConsumerSession.SessionFailedException f) {
    Optional<SessionRefusal> code = SessionRefusal.of(f.refusalCode());
    if (code.isPresent() && code.get() == SessionRefusal.LEFTOVER_EXHAUSTED) {
      return true;
    }
    PaymentRefused payment = f.paymentRefused();
    return payment != null && payment.getReason() == PaymentRefused.Reason.EXPOSURE_CAP;
  }

  /**
   * Why the node left a provider and is trying the next, in a few words: {@code leftFor} is this
   * side's typed reason, empty when the session was lost ({@code reason} then says how).
   */
  public String failingOver(Optional<ConsumerSession.Failure> leftFor, String reason) {
    if (leftFor.isEmpty()) {
      return messages.get("app.connect.failover.lost", reason);
    }
    return switch (leftFor.get()) {
      case OVERBILLED -> messages.get("app.connect.failover.overbilled");
      case ADVICE_ABOVE_STEP -> messages.get("app.connect.failover.advice-above-step");
      case PROVIDER_SPEND_LIMIT, SPEND_LIMIT ->
          messages.get("app.connect.failover.provider-limit", provider());
      case REFUSED -> messages.get("app.connect.failover.refused");
      case OTHER -> messages.get("app.connect.failover.lost", reason);
    };
  }

  private String session() {
    return limit.perSession().toPlainString();
  }

  private String provider() {
    return limit.perProvider().toPlainString();
  }
}
