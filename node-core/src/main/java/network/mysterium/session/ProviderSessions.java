package network.mysterium.session;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.crypto.Address;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.payments.ConsumerAccounts;
import network.mysterium.payments.PromiseMessages;
import network.mysterium.payments.PromiseRefusedException;
import network.mysterium.payments.ReceivedPromises;
import network.mysterium.payments.proto.PaymentAccepted;
import network.mysterium.payments.proto.PaymentAdvice;
import network.mysterium.service.Meter;
import network.mysterium.service.ServiceBackend;
import network.mysterium.session.proto.MeteringMessage;
import network.mysterium.session.proto.SessionAccepted;
import network.mysterium.session.proto.SessionClose;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's side of payments and service sessions (whitepaper 6.6.2-6.6.3) over its dialogues:
 * takes promises by the rules and its policy, opens sessions for consumers with a leftover, meters
 * them on a fixed interval (metering messages, payment advice on the four triggers), stops a
 * session whose leftover stays exhausted past the grace period, closes every session of a dialogue
 * that ends, and hands consumers to the clearing policy.
 */
public final class ProviderSessions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderSessions.class);
  private static final HexFormat HEX = HexFormat.of();

  /** The provider's terms for one offered service. */
  public record Terms(
      ServiceProposal proposal,
      Myst minimumPromise,
      Myst exposureCap,
      Duration meteringInterval,
      Duration exhaustedGrace) {}

  /** The consumer's balance in the payments contract, for risk checks. */
  @FunctionalInterface
  public interface Balances {
    BigInteger paymentsBalance(Address identity) throws Exception;
  }

  /** Called when a consumer's promises should be cleared (a session ended). */
  @FunctionalInterface
  public interface ClearingPolicy {
    void sessionEnded(Address consumer);
  }

  private final Terms terms;
  private final ReceivedPromises promises;
  private final ConsumerAccounts accounts;
  private final ServiceBackend backend;
  private final Balances balances;
  private final ClearingPolicy clearing;
  private final SessionEvents events;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, ProviderSession> sessions = new ConcurrentHashMap<>();
  private final Map<Address, BigInteger> advisedLeftover = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticks =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("session-metering").daemon().factory());

  public ProviderSessions(
      Terms terms,
      ReceivedPromises promises,
      ConsumerAccounts accounts,
      ServiceBackend backend,
      Balances balances,
      ClearingPolicy clearing,
      SessionEvents events) {
    this.terms = terms;
    this.promises = promises;
    this.accounts = accounts;
    this.backend = backend;
    this.balances = balances;
    this.clearing = clearing;
    this.events = events;
    long interval = terms.meteringInterval().toMillis();
    ticks.scheduleWithFixedDelay(this::meterAll, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** These services with payments and sessions added. */
  public Conversation.Services addTo(Conversation.Services services) {
    return services
        .with(Exchange.BodyCase.PAYMENT_PROPOSAL, this::onPayment)
        .with(Exchange.BodyCase.SESSION_REQUEST, this::onSessionRequest)
        .with(Exchange.BodyCase.SESSION_CONFIRMATION, this::onConfirmation)
        .with(Exchange.BodyCase.SESSION_CLOSE, this::onClose);
  }

  /** The sessions open now (for the user and for tests). */
  public List<String> openSessions() {
    return List.copyOf(sessions.keySet());
  }

  /** An open session as the provider's user sees it: who, how much each way, what was billed. */
  public record ActiveSession(
      String id,
      Address consumer,
      long bytesToConsumer,
      long bytesFromConsumer,
      BigInteger billed,
      java.time.Duration elapsed) {}

  /** The sessions open now with their metering, the oldest first. */
  public List<ActiveSession> active() {
    return sessions.values().stream()
        .filter(s -> s.state != State.CLOSED)
        .sorted(java.util.Comparator.comparingLong((ProviderSession s) -> s.started))
        .map(
            s ->
                new ActiveSession(
                    s.key,
                    s.consumer,
                    s.meter.bytesToConsumer(),
                    s.meter.bytesFromConsumer(),
                    s.billed,
                    java.time.Duration.ofMillis(s.elapsedMillis())))
        .toList();
  }

  /** The meter of an open session, by its id: the data channel's gate. */
  public java.util.Optional<Meter> meter(byte[] sessionId) {
    ProviderSession s = sessions.get(HEX.formatHex(sessionId));
    return s == null || s.state == State.CLOSED
        ? java.util.Optional.empty()
        : java.util.Optional.of(s.meter);
  }

  /** The dialogue with a consumer ended: its sessions end with it. */
  public void dialogueClosed(Address consumer, String reason) {
    for (ProviderSession s : sessions.values()) {
      if (s.consumer.equals(consumer)) {
        close(s, "dialogue closed: " + reason, false);
      }
    }
    advisedLeftover.remove(consumer); // the next dialogue starts its advice afresh
  }

  private Exchange.Builder onPayment(Dialogue dialogue, Exchange message)
      throws Conversation.RefusedException {
    network.mysterium.payments.SignedPromise signed;
    try {
      signed = PromiseMessages.decode(message.getPaymentProposal().getPromise());
    } catch (IllegalArgumentException e) {
      throw new Conversation.RefusedException("MALFORMED: " + e.getMessage());
    }
    if (!signed.promise().issuer().equals(dialogue.peer())) {
      throw new Conversation.RefusedException(
          "WRONG_ISSUER: the promise is " + signed.promise().issuer() + "'s");
    }
    BigInteger balance;
    try {
      balance = balances.paymentsBalance(dialogue.peer());
    } catch (Exception e) {
      throw new Conversation.RefusedException("the provider cannot check balances now");
    }
    // Risk (6.5.6): uncleared promises stay within the cap and within what the issuer holds.
    Myst cap = Myst.ofBaseUnits(terms.exposureCap().baseUnits().min(balance.max(BigInteger.ZERO)));
    ReceivedPromises.Accepted accepted;
    BigInteger leftover;
    try {
      accepted = promises.accept(signed, new ReceivedPromises.Policy(terms.minimumPromise(), cap));
      leftover = accounts.leftover(dialogue.peer());
    } catch (PromiseRefusedException e) {
      throw new Conversation.RefusedException(
          network.mysterium.conversation.proto.Refusal.newBuilder()
              .setReason(e.getMessage())
              .setPayment(PromiseMessages.refused(e))
              .build());
    } catch (StoreException e) {
      throw new Conversation.RefusedException("the provider's ledger is unavailable");
    }
    events.promiseAccepted(dialogue.peer(), signed.promise(), leftover);
    advise(dialogue, PaymentAdvice.Trigger.PROMISE_ACCEPTED, leftover, false);
    return Exchange.newBuilder()
        .setPaymentAccepted(
            PaymentAccepted.newBuilder().setLeftover(PromiseMessages.amount(leftover)));
  }

  private Exchange.Builder onSessionRequest(Dialogue dialogue, Exchange message)
      throws Conversation.RefusedException {
    var request = message.getSessionRequest();
    if (!request.getServiceType().equals(terms.proposal().serviceType())) {
      throw new Conversation.RefusedException("no " + request.getServiceType() + " service here");
    }
    BigInteger leftover;
    try {
      leftover = accounts.leftover(dialogue.peer());
    } catch (StoreException e) {
      throw new Conversation.RefusedException("the provider's ledger is unavailable");
    }
    if (leftover.signum() <= 0) {
      throw new Conversation.RefusedException(
          "LEFTOVER_EXHAUSTED: pay first (at least " + terms.minimumPromise() + ")");
    }
    byte[] id = new byte[16];
    random.nextBytes(id);
    Meter meter = new Meter();
    byte[] providerData;
    try {
      providerData = backend.open(id, request.getServiceData().toByteArray(), meter);
    } catch (ServiceBackend.RefusedException e) {
      throw new Conversation.RefusedException(e.getMessage());
    }
    ProviderSession session = new ProviderSession(HEX.formatHex(id), id, dialogue, meter);
    sessions.put(session.key, session);
    events.sessionOpened(dialogue.peer(), session.key, terms.proposal().serviceType());
    return Exchange.newBuilder()
        .setSessionAccepted(
            SessionAccepted.newBuilder()
                .setSessionId(ByteString.copyFrom(id))
                .setProviderData(ByteString.copyFrom(providerData)));
  }

  private Exchange.Builder onConfirmation(Dialogue dialogue, Exchange message) {
    var confirmation = message.getSessionConfirmation();
    ProviderSession s = owned(dialogue, confirmation.getSessionId().toByteArray());
    if (s != null) {
      if (confirmation.getSuccess()) {
        s.state = State.CONFIRMED;
      } else {
        close(s, "the consumer's data channel failed: " + confirmation.getFailure(), true);
      }
    }
    return null;
  }

  private Exchange.Builder onClose(Dialogue dialogue, Exchange message) {
    ProviderSession s = owned(dialogue, message.getSessionClose().getSessionId().toByteArray());
    if (s != null) {
      close(s, "closed by the consumer: " + message.getSessionClose().getReason(), true);
    }
    return null;
  }

  private ProviderSession owned(Dialogue dialogue, byte[] id) {
    ProviderSession s = sessions.get(HEX.formatHex(id));
    return s != null && s.consumer.equals(dialogue.peer()) ? s : null;
  }

  private void meterAll() {
    for (ProviderSession s : sessions.values()) {
      try {
        meter(s);
      } catch (RuntimeException | StoreException e) {
        LOG.warn("metering session {} failed: {}", s.key, e.getMessage());
      }
    }
  }

  /** Bills what the session used since the last tick, tells the consumer, and enforces payment. */
  private synchronized SessionEvents.Metering meter(ProviderSession s) throws StoreException {
    if (s.state == State.CLOSED) {
      return s.last;
    }
    BigInteger cost = costOf(s);
    BigInteger leftover = accounts.consume(s.consumer, cost.subtract(s.billed));
    s.billed = cost;
    s.last = metering(s, cost, false);
    send(s, s.last);
    events.metering(s.consumer, s.last);
    if (leftover.signum() <= 0) {
      if (s.exhaustedSince == 0) {
        s.exhaustedSince = System.nanoTime();
        advise(s.dialogue, PaymentAdvice.Trigger.LEFTOVER_EXHAUSTED, leftover, false);
      } else if (System.nanoTime() - s.exhaustedSince >= terms.exhaustedGrace().toNanos()) {
        close(s, "leftover exhausted", true);
      }
    } else {
      s.exhaustedSince = 0;
      BigInteger advised = advisedLeftover.getOrDefault(s.consumer, BigInteger.ZERO);
      if (leftover.subtract(advised).abs().multiply(BigInteger.TEN).compareTo(advised) > 0) {
        advise(s.dialogue, PaymentAdvice.Trigger.LEFTOVER_CHANGED, leftover, false);
      }
    }
    return s.last;
  }

  private BigInteger costOf(ProviderSession s) {
    BigInteger price = terms.proposal().pricePerUnit().baseUnits();
    return switch (terms.proposal().metering()) {
      case PER_MEGABYTE ->
          price
              .multiply(BigInteger.valueOf(s.meter.bytesToConsumer() + s.meter.bytesFromConsumer()))
              .divide(BigInteger.valueOf(1_000_000));
      case PER_SECOND ->
          price.multiply(BigInteger.valueOf(s.elapsedMillis())).divide(BigInteger.valueOf(1000));
    };
  }

  private SessionEvents.Metering metering(ProviderSession s, BigInteger cost, boolean last) {
    return new SessionEvents.Metering(
        s.key,
        cost,
        s.meter.bytesToConsumer(),
        s.meter.bytesFromConsumer(),
        s.elapsedMillis(),
        last);
  }

  private static void send(ProviderSession s, SessionEvents.Metering m) {
    Conversation.notice(
        s.dialogue,
        Exchange.newBuilder()
            .setMetering(
                MeteringMessage.newBuilder()
                    .setSessionId(ByteString.copyFrom(s.id))
                    .setCost(PromiseMessages.amount(m.cost()))
                    .setBytesToConsumer(m.bytesToConsumer())
                    .setBytesFromConsumer(m.bytesFromConsumer())
                    .setDurationMillis(m.durationMillis())
                    .setFinal(m.last())));
  }

  /**
   * Sends payment advice (a notice) and remembers what was advised; completes when the consumer
   * acknowledged it.
   */
  public java.util.concurrent.CompletableFuture<Void> advise(
      Dialogue dialogue, PaymentAdvice.Trigger trigger, BigInteger leftover, boolean newPromise) {
    advisedLeftover.put(dialogue.peer(), leftover);
    return Conversation.notice(
        dialogue,
        Exchange.newBuilder()
            .setPaymentAdvice(
                PaymentAdvice.newBuilder()
                    .setTrigger(trigger)
                    .setLeftover(PromiseMessages.amount(leftover))
                    .setMinimumPromisedAmount(
                        PromiseMessages.amount(terms.minimumPromise().baseUnits()))
                    .setNewPromiseRequested(newPromise)));
  }

  /** Final metering, tells the consumer, stops the traffic, and hands over to clearing. */
  private void close(ProviderSession s, String reason, boolean tellConsumer) {
    synchronized (this) {
      if (s.state == State.CLOSED) {
        return;
      }
      try {
        BigInteger cost = costOf(s);
        accounts.consume(s.consumer, cost.subtract(s.billed));
        s.billed = cost;
        s.last = metering(s, cost, true);
      } catch (StoreException e) {
        LOG.warn("final metering of {} failed: {}", s.key, e.getMessage());
      }
      s.state = State.CLOSED;
    }
    s.meter.stop();
    backend.closed(s.id);
    sessions.remove(s.key);
    if (tellConsumer) {
      send(s, s.last);
      Conversation.notice(
          s.dialogue,
          Exchange.newBuilder()
              .setSessionClose(
                  SessionClose.newBuilder()
                      .setSessionId(ByteString.copyFrom(s.id))
                      .setReason(reason)));
    }
    events.sessionClosed(s.consumer, s.key, reason, s.last);
    clearing.sessionEnded(s.consumer);
  }

  /** Meters every open session now (tests and shutdown use it; the timer does it regularly). */
  public void meterNow() {
    meterAll();
  }

  @Override
  public void close() {
    ticks.shutdownNow();
    for (ProviderSession s : sessions.values()) {
      close(s, "the provider stopped", true);
    }
  }

  private enum State {
    ACCEPTED,
    CONFIRMED,
    CLOSED
  }

  /** One session's state on the provider (mutable, guarded by the ProviderSessions lock). */
  private static final class ProviderSession {
    final String key;
    final byte[] id;
    final Dialogue dialogue;
    final Address consumer;
    final Meter meter;
    final long started = System.nanoTime();
    State state = State.ACCEPTED;
    BigInteger billed = BigInteger.ZERO;
    long exhaustedSince;
    SessionEvents.Metering last;

    ProviderSession(String key, byte[] id, Dialogue dialogue, Meter meter) {
      this.key = key;
      this.id = id;
      this.dialogue = dialogue;
      this.consumer = dialogue.peer();
      this.meter = meter;
      this.last = new SessionEvents.Metering(key, BigInteger.ZERO, 0, 0, 0, false);
    }

    long elapsedMillis() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }
  }
}
