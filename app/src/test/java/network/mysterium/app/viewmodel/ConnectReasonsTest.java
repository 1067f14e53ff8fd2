package network.mysterium.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import network.mysterium.consumer.Connector;
import network.mysterium.conversation.proto.Refusal;
import network.mysterium.i18n.Messages;
import network.mysterium.money.Myst;
import network.mysterium.payments.proto.PaymentRefused;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.ConsumerSession.Failure;
import network.mysterium.session.ConsumerSession.SessionFailedException;
import network.mysterium.session.SpendLimit;
import org.junit.jupiter.api.Test;

/**
 * Why the app left a provider or could not connect, in the user's words: chosen by the typed
 * failure and refusal code, whatever the provider's text says (it is only shown as detail).
 */
class ConnectReasonsTest {
  private final ConnectReasons english =
      new ConnectReasons(
          Messages.forLocale(Locale.ENGLISH),
          new SpendLimit(Myst.parse("0.5"), Myst.parse("3")),
          Myst.parse("0.05"));

  @Test
  void eachWayOfLeavingAProviderIsSaidInTheUsersWords() {
    assertThat(english.left(Failure.OVERBILLED, "OVERBILLED: billed 9 of 1"))
        .isEqualTo(
            "This app left the provider and pays it no more: it billed more than this app"
                + " counted. Connect again to use another provider.");
    assertThat(english.left(Failure.ADVICE_ABOVE_STEP, "anything"))
        .isEqualTo(
            "This app left the provider and pays it no more: it asked for payments larger than"
                + " this app's step of 0.05 MYST. Connect again to use another provider.");
    assertThat(english.left(Failure.SPEND_LIMIT, "anything"))
        .isEqualTo(
            "This app left the provider and pays it no more: paying on would pass your spending"
                + " limit (0.5 MYST a session, 3 MYST a provider). You can raise it in Settings.");
    assertThat(english.left(Failure.REFUSED, "EXPOSURE_CAP: too much"))
        .isEqualTo("This app left the provider: it refused a payment (EXPOSURE_CAP: too much).");
  }

  @Test
  void failingOverSaysWhyInAFewWordsTypedOrLost() {
    assertThat(english.failingOver(java.util.Optional.of(Failure.PROVIDER_SPEND_LIMIT), "x"))
        .isEqualTo("it was paid your limit of 3 MYST a provider");
    assertThat(english.failingOver(java.util.Optional.of(Failure.OVERBILLED), "x"))
        .isEqualTo("it billed more than this app counted");
    assertThat(english.failingOver(java.util.Optional.empty(), "the provider stopped"))
        .isEqualTo("the session was lost: the provider stopped");
    ConnectReasons german =
        new ConnectReasons(
            Messages.forLocale(Locale.GERMAN), SpendLimit.defaults(), Myst.parse("0.05"));
    for (Failure failure : Failure.values()) {
      assertThat(german.failingOver(java.util.Optional.of(failure), "x"))
          .as(failure.name())
          .isNotEqualTo(english.failingOver(java.util.Optional.of(failure), "x"));
    }
  }

  @Test
  void theTranslationIsUsedForEveryReason() {
    ConnectReasons german =
        new ConnectReasons(
            Messages.forLocale(Locale.GERMAN), SpendLimit.defaults(), Myst.parse("0.05"));
    for (Failure failure : Failure.values()) {
      assertThat(german.left(failure, "x")).as(failure.name()).doesNotContain("This app");
    }
    assertThat(german.left(Failure.SPEND_LIMIT, "x")).contains("1 MYST pro Sitzung");
  }

  @Test
  void aConnectThatFailsSaysTheTypedReasonNotTheText() {
    // the text speaks of a balance; the failure is the user's own limit, and that is what is said
    Connector.NoProviderException limit =
        new Connector.NoProviderException(
            "0xabc: balance LEFTOVER",
            List.of(
                new SessionFailedException(Failure.OTHER, "no answer"),
                new SessionFailedException(
                    Failure.SPEND_LIMIT, "the balance is LEFTOVER_EXHAUSTED")));
    assertThat(english.notConnected(limit, "Germany"))
        .isEqualTo(
            "Not connected: the first payment would pass your spending limit (0.5 MYST a"
                + " session, 3 MYST a provider). You can raise it in Settings.");

    // refusal codes, whatever the words: no leftover, or a promise above what the consumer holds
    SessionFailedException leftover =
        new SessionFailedException(
            Refusal.newBuilder().setCode("LEFTOVER_EXHAUSTED").setReason("pay first").build());
    SessionFailedException cap =
        new SessionFailedException(
            Refusal.newBuilder()
                .setCode("whatever")
                .setReason("no")
                .setPayment(
                    PaymentRefused.newBuilder().setReason(PaymentRefused.Reason.EXPOSURE_CAP))
                .build());
    for (SessionFailedException lowBalance : List.of(leftover, cap)) {
      assertThat(
              english.notConnected(
                  new Connector.NoProviderException("x", List.of(lowBalance)), "Germany"))
          .isEqualTo("Your balance is too low: deposit MYST in the wallet.");
    }

    // a refusal for any other reason gives the provider's words as its detail
    SessionFailedException outdated =
        new SessionFailedException(
            Refusal.newBuilder()
                .setCode("PROPOSAL_OUTDATED")
                .setReason("PROPOSAL_OUTDATED: your balance is fine, the proposal is old")
                .build());
    assertThat(
            english.notConnected(
                new Connector.NoProviderException("x", List.of(outdated)), "Germany"))
        .isEqualTo(
            "The provider refused: PROPOSAL_OUTDATED: your balance is fine, the proposal is old");

    assertThat(english.notConnected(new Connector.NoProviderException("x"), "Germany"))
        .isEqualTo("No provider in Germany right now: pick another country.");
    assertThat(
            english.notConnected(
                new Connector.NoProviderException(
                    "x", List.of(new SessionFailedException("no tunnel address"))),
                "Germany"))
        .isEqualTo("Could not connect: no tunnel address");
    assertThat(ConsumerSession.Failure.values()).hasSize(6); // a new failure gets its words here
  }
}
