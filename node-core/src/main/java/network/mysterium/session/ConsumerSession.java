package network.mysterium.session;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.crypto.Address;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.IssuedPromises;
import network.mysterium.payments.PromiseMessages;
import network.mysterium.payments.SignedPromise;
import network.mysterium.payments.proto.PaymentAdvice;
import network.mysterium.payments.proto.PaymentProposal;
import network.mysterium.service.Meter;
import network.mysterium.service.proto.Socks5Offer;
import network.mysterium.service.socks.Socks5Proxy;
import network.mysterium.session.proto.SessionAccepted;
import network.mysterium.session.proto.SessionClose;
import network.mysterium.session.proto.SessionConfirmation;
import network.mysterium.session.proto.SessionRequest;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's side of one SOCKS5 session (whitepaper 6.6.2-6.6.3): opens the dialogue, pays in
 * advance, asks for the session, starts the local proxy on the offered exit, confirms, pays again
 * when the provider's advice says the leftover runs low, and closes cleanly.
 */
public final class ConsumerSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerSession.class);

  /** A session could not be opened: why, in words for the user. */
  public static final class SessionFailedException extends Exception {
    public SessionFailedException(String message) {
      super(message);
    }
  }

  private final Address provider;
  private final IssuedPromises promises;
  private final SessionEvents events;
  private final Duration timeout;
  private final Conversation conversation;
  private final Meter meter = new Meter();
  private final AtomicReference<SessionEvents.Metering> lastMetering = new AtomicReference<>();
  private final CompletableFuture<String> closedByProvider = new CompletableFuture<>();
  private volatile Myst paymentStep;
  private volatile byte[] sessionId;
  private volatile Socks5Proxy proxy;
  private final InetSocketAddress socksListen;
  private Dialogue dialogue;

  private ConsumerSession(
      Address provider,
      IssuedPromises promises,
      Myst paymentStep,
      SessionEvents events,
      Duration timeout,
      InetSocketAddress socksListen) {
    this.socksListen = socksListen;
    this.provider = provider;
    this.promises = promises;
    this.paymentStep = paymentStep;
    this.events = events;
    this.timeout = timeout;
    this.conversation =
        new Conversation(
            Conversation.Services.none()
                .with(Exchange.BodyCase.METERING, this::onMetering)
                .with(Exchange.BodyCase.PAYMENT_ADVICE, this::onAdvice)
                .with(Exchange.BodyCase.SESSION_CLOSE, this::onClose),
            (d, reason) -> providerGone("the dialogue closed: " + reason));
  }

  /**
   * Connects to a provider's SOCKS5 service: dialogue, first payment, session, local proxy.
   *
   * @param paymentStep how much each promise adds (at least the provider's minimum)
   */
  public static ConsumerSession open(
      Dialogues dialogues,
      ServiceProposal proposal,
      IssuedPromises promises,
      Myst paymentStep,
      SessionEvents events,
      Duration timeout)
      throws SessionFailedException, InterruptedException {
    return open(
        dialogues,
        proposal,
        promises,
        paymentStep,
        events,
        timeout,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /** As above, with the local SOCKS5 proxy listening at {@code socksListen}. */
  public static ConsumerSession open(
      Dialogues dialogues,
      ServiceProposal proposal,
      IssuedPromises promises,
      Myst paymentStep,
      SessionEvents events,
      Duration timeout,
      InetSocketAddress socksListen)
      throws SessionFailedException, InterruptedException {
    ConsumerSession session =
        new ConsumerSession(
            proposal.provider(), promises, paymentStep, events, timeout, socksListen);
    try {
      session.start(dialogues, proposal);
      return session;
    } catch (SessionFailedException | InterruptedException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private void start(Dialogues dialogues, ServiceProposal proposal)
      throws SessionFailedException, InterruptedException {
    Contact contact =
        proposal.contacts().stream()
            .map(Contact::parse)
            .findFirst()
            .orElseThrow(() -> new SessionFailedException("the proposal lists no contact"));
    try {
      dialogue =
          dialogues
              .open(provider, contact, conversation)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new SessionFailedException("the provider did not answer at " + contact);
    }
    conversation.on(dialogue);
    pay(paymentStep);
    Exchange answer =
        ask(
            Exchange.newBuilder()
                .setSessionRequest(
                    SessionRequest.newBuilder()
                        .setServiceType(proposal.serviceType())
                        .setProposalSerial(proposal.serial())));
    if (!answer.hasSessionAccepted()) {
      throw new SessionFailedException("unexpected answer " + answer.getBodyCase());
    }
    SessionAccepted accepted = answer.getSessionAccepted();
    sessionId = accepted.getSessionId().toByteArray();
    Socks5Offer offer;
    InetSocketAddress exit;
    try {
      offer = Socks5Offer.parseFrom(accepted.getProviderData());
      exit = new InetSocketAddress(InetAddress.ofLiteral(offer.getHost()), offer.getPort());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      confirm(false, "bad SOCKS5 offer");
      throw new SessionFailedException("the provider's SOCKS5 offer is malformed");
    }
    try {
      proxy =
          Socks5Proxy.start(
              socksListen,
              new Socks5Proxy.Exit(exit, offer.getCertificateSha256().toByteArray(), sessionId),
              meter);
    } catch (IOException e) {
      confirm(false, e.getMessage());
      throw new SessionFailedException("cannot open the local SOCKS5 port: " + e.getMessage());
    }
    confirm(true, "");
    events.sessionOpened(provider, HexFormat.of().formatHex(sessionId), proposal.serviceType());
  }

  /** Where applications connect: the local SOCKS5 proxy. */
  public InetSocketAddress socksAddress() {
    return proxy.address();
  }

  public String sessionId() {
    return HexFormat.of().formatHex(sessionId);
  }

  /** The provider's last metering of this session. */
  public SessionEvents.Metering lastMetering() {
    return lastMetering.get();
  }

  /** Traffic through the local proxy, as this side counted it. */
  public Meter meter() {
    return meter;
  }

  /** Completes with the reason when the provider ends the session (or vanishes). */
  public CompletableFuture<String> closedByProvider() {
    return closedByProvider;
  }

  /** Pays {@code amount} more: a new or raised promise, retried once on a new serial if asked. */
  public void pay(Myst amount) throws SessionFailedException, InterruptedException {
    SignedPromise promise = issue(amount);
    try {
      ask(proposal(promise));
    } catch (SessionFailedException e) {
      if (e.getMessage().contains("UPDATE_AFTER_NEW_SERIAL_REQUESTED")) {
        newSerialRequested();
        ask(proposal(issue(amount)));
        return;
      }
      throw e;
    }
  }

  private SignedPromise issue(Myst amount) throws SessionFailedException {
    try {
      return promises.pay(provider, amount);
    } catch (StoreException e) {
      throw new SessionFailedException("cannot record the promise: " + e.getMessage());
    }
  }

  private void newSerialRequested() throws SessionFailedException {
    try {
      promises.newSerialRequested(provider);
    } catch (StoreException e) {
      throw new SessionFailedException("cannot record the request: " + e.getMessage());
    }
  }

  private static Exchange.Builder proposal(SignedPromise promise) {
    return Exchange.newBuilder()
        .setPaymentProposal(
            PaymentProposal.newBuilder().setPromise(PromiseMessages.encode(promise)));
  }

  private Exchange ask(Exchange.Builder request)
      throws SessionFailedException, InterruptedException {
    try {
      return conversation.request(request, timeout).join();
    } catch (CompletionException e) {
      throw new SessionFailedException(
          e.getCause() instanceof Conversation.RefusedException refused
              ? refused.getMessage()
              : String.valueOf(e.getCause()));
    }
  }

  private void confirm(boolean success, String failure) {
    conversation.notifyQuietly(
        Exchange.newBuilder()
            .setSessionConfirmation(
                SessionConfirmation.newBuilder()
                    .setSessionId(ByteString.copyFrom(sessionId))
                    .setSuccess(success)
                    .setFailure(failure)));
  }

  private Exchange.Builder onMetering(Dialogue from, Exchange message) {
    var m = message.getMetering();
    SessionEvents.Metering metering =
        new SessionEvents.Metering(
            HexFormat.of().formatHex(m.getSessionId().toByteArray()),
            PromiseMessages.amount(m.getCost()),
            m.getBytesToConsumer(),
            m.getBytesFromConsumer(),
            m.getDurationMillis(),
            m.getFinal());
    lastMetering.set(metering);
    events.metering(provider, metering);
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
    } catch (SessionFailedException e) {
      LOG.warn("{}", e.getMessage());
    }
    // Keep paid ahead of use: pay a step when less than half a step is left.
    if (sessionId != null
        && !meter.stopped()
        && advice.getTrigger() != PaymentAdvice.Trigger.PROMISE_ACCEPTED
        && leftover.shiftLeft(1).compareTo(paymentStep.baseUnits()) < 0) {
      // Not on this thread: it delivers the answer the payment waits for.
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  pay(paymentStep);
                } catch (SessionFailedException e) {
                  LOG.warn("payment to {} refused: {}", provider, e.getMessage());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    }
    return null;
  }

  private Exchange.Builder onClose(Dialogue from, Exchange message) {
    SessionClose close = message.getSessionClose();
    if (sessionId != null
        && java.util.Arrays.equals(close.getSessionId().toByteArray(), sessionId)) {
      providerGone(close.getReason());
    }
    return null;
  }

  private void providerGone(String reason) {
    meter.stop();
    if (closedByProvider.complete(reason)) {
      events.sessionClosed(
          provider, sessionId == null ? "-" : sessionId(), reason, lastMetering.get());
    }
  }

  /**
   * Ends the session: tells the provider, waits briefly for its final metering, stops the proxy,
   * and closes the dialogue.
   */
  @Override
  public void close() {
    if (proxy != null) {
      try {
        proxy.close();
      } catch (IOException e) {
        // already closed
      }
    }
    meter.stop();
    if (dialogue != null && sessionId != null && !closedByProvider.isDone()) {
      conversation.notifyQuietly(
          Exchange.newBuilder()
              .setSessionClose(
                  SessionClose.newBuilder()
                      .setSessionId(ByteString.copyFrom(sessionId))
                      .setReason("the consumer disconnected")));
      try {
        closedByProvider.get(Math.min(3000, timeout.toMillis()), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // no final word from the provider: its own metering stands
      }
    }
    if (dialogue != null) {
      dialogue.close();
    }
  }
}
