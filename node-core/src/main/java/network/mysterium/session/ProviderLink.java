package network.mysterium.session;

import java.math.BigInteger;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.crypto.Address;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.IssuedPromises;
import network.mysterium.payments.PromiseMessages;
import network.mysterium.payments.SignedPromise;
import network.mysterium.payments.proto.PaymentAdvice;
import network.mysterium.payments.proto.PaymentProposal;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's dialogue with one provider, shared by all its sessions with that provider
 * (whitepaper 6.6: several sessions per dialogue): pays (the leftover is per provider, not per
 * session), routes metering and closes to their session by id, and ends every session when the
 * dialogue ends. Closes the dialogue when its last session closes.
 */
public final class ProviderLink {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderLink.class);

  private final Address provider;
  private final IssuedPromises promises;
  private final Duration timeout;
  private final Conversation conversation;
  private final Map<String, ConsumerSession> sessions = new ConcurrentHashMap<>();
  private volatile Myst paymentStep;
  private volatile Dialogue dialogue;
  private volatile boolean closed;

  private ProviderLink(
      Address provider, IssuedPromises promises, Myst paymentStep, Duration timeout) {
    this.provider = provider;
    this.promises = promises;
    this.paymentStep = paymentStep;
    this.timeout = timeout;
    this.conversation =
        new Conversation(
            Conversation.Services.none()
                .with(Exchange.BodyCase.METERING, this::onMetering)
                .with(Exchange.BodyCase.PAYMENT_ADVICE, this::onAdvice)
                .with(Exchange.BodyCase.SESSION_CLOSE, this::onClose),
            (d, reason) -> dialogueClosed("the dialogue closed: " + reason));
  }

  /** Opens the dialogue with the provider. */
  public static ProviderLink open(
      Dialogues dialogues,
      Address provider,
      Contact contact,
      IssuedPromises promises,
      Myst paymentStep,
      Duration timeout)
      throws ConsumerSession.SessionFailedException, InterruptedException {
    ProviderLink link = new ProviderLink(provider, promises, paymentStep, timeout);
    try {
      link.dialogue =
          dialogues
              .open(provider, contact, link.conversation)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      link.closed = true;
      throw new ConsumerSession.SessionFailedException("the provider did not answer at " + contact);
    }
    link.conversation.on(link.dialogue);
    return link;
  }

  public Address provider() {
    return provider;
  }

  /** Whether new sessions can still use this dialogue. */
  public boolean isOpen() {
    return !closed && dialogue.state() == Dialogue.State.OPEN;
  }

  Duration timeout() {
    return timeout;
  }

  Myst paymentStep() {
    return paymentStep;
  }

  void add(ConsumerSession session) {
    sessions.put(session.sessionId(), session);
  }

  /** A session ended: the dialogue ends with the last one. */
  void remove(ConsumerSession session) {
    sessions.remove(session.sessionId());
    if (sessions.isEmpty()) {
      close();
    }
  }

  /** Pays {@code amount} more: a new or raised promise, retried once on a new serial if asked. */
  public void pay(Myst amount) throws ConsumerSession.SessionFailedException, InterruptedException {
    try {
      ask(proposal(issue(amount)));
    } catch (ConsumerSession.SessionFailedException e) {
      if (e.getMessage().contains("UPDATE_AFTER_NEW_SERIAL_REQUESTED")) {
        newSerialRequested();
        ask(proposal(issue(amount)));
        return;
      }
      throw e;
    }
  }

  Exchange ask(Exchange.Builder request)
      throws ConsumerSession.SessionFailedException, InterruptedException {
    try {
      return conversation.request(request, timeout).join();
    } catch (CompletionException e) {
      throw new ConsumerSession.SessionFailedException(
          e.getCause() instanceof Conversation.RefusedException refused
              ? refused.getMessage()
              : String.valueOf(e.getCause()));
    }
  }

  void tell(Exchange.Builder notice) {
    conversation.notifyQuietly(notice);
  }

  private SignedPromise issue(Myst amount) throws ConsumerSession.SessionFailedException {
    try {
      return promises.pay(provider, amount);
    } catch (StoreException e) {
      throw new ConsumerSession.SessionFailedException(
          "cannot record the promise: " + e.getMessage());
    }
  }

  private void newSerialRequested() throws ConsumerSession.SessionFailedException {
    try {
      promises.newSerialRequested(provider);
    } catch (StoreException e) {
      throw new ConsumerSession.SessionFailedException(
          "cannot record the request: " + e.getMessage());
    }
  }

  private static Exchange.Builder proposal(SignedPromise promise) {
    return Exchange.newBuilder()
        .setPaymentProposal(
            PaymentProposal.newBuilder().setPromise(PromiseMessages.encode(promise)));
  }

  private Exchange.Builder onMetering(Dialogue from, Exchange message) {
    ConsumerSession session =
        sessions.get(HexFormat.of().formatHex(message.getMetering().getSessionId().toByteArray()));
    if (session != null) {
      session.onMetering(message.getMetering());
    }
    return null;
  }

  private Exchange.Builder onClose(Dialogue from, Exchange message) {
    ConsumerSession session =
        sessions.get(
            HexFormat.of().formatHex(message.getSessionClose().getSessionId().toByteArray()));
    if (session != null) {
      session.providerGone(message.getSessionClose().getReason());
    }
    return null;
  }

  private Exchange.Builder onAdvice(Dialogue from, Exchange message) {
    PaymentAdvice advice = message.getPaymentAdvice();
    BigInteger leftover = PromiseMessages.amount(advice.getLeftover());
    BigInteger minimum = PromiseMessages.amount(advice.getMinimumPromisedAmount());
    if (minimum.compareTo(paymentStep.baseUnits()) > 0) {
      paymentStep = Myst.ofBaseUnits(minimum);
    }
    try {
      if (advice.getNewPromiseRequested()) {
        newSerialRequested();
      }
    } catch (ConsumerSession.SessionFailedException e) {
      LOG.warn("{}", e.getMessage());
    }
    // Keep paid ahead of use while a session runs: pay a step when less than half a step is left.
    if (!sessions.isEmpty()
        && advice.getTrigger() != PaymentAdvice.Trigger.PROMISE_ACCEPTED
        && leftover.shiftLeft(1).compareTo(paymentStep.baseUnits()) < 0) {
      // Not on this thread: it delivers the answer the payment waits for.
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  pay(paymentStep);
                } catch (ConsumerSession.SessionFailedException e) {
                  LOG.warn("payment to {} refused: {}", provider, e.getMessage());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    }
    return null;
  }

  private void dialogueClosed(String reason) {
    closed = true;
    for (ConsumerSession session : sessions.values()) {
      session.providerGone(reason);
    }
  }

  void closeIfIdle() {
    if (sessions.isEmpty()) {
      close();
    }
  }

  /** Closes the dialogue (its sessions end with it). */
  public void close() {
    closed = true;
    if (dialogue != null) {
      dialogue.close();
    }
  }
}
