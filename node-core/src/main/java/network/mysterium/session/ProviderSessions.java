package network.mysterium.session;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import network.mysterium.payments.Promises;
import network.mysterium.payments.ReceivedPromises;
import network.mysterium.payments.SignedPromise;
import network.mysterium.payments.proto.PaymentAccepted;
import network.mysterium.payments.proto.PaymentAdvice;
import network.mysterium.service.Meter;
import network.mysterium.service.ServiceBackend;
import network.mysterium.session.ProviderSession.State;
import network.mysterium.session.proto.MeteringMessage;
import network.mysterium.session.proto.SessionAccepted;
import network.mysterium.session.proto.SessionClose;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's side of payments and service sessions (whitepaper 6.6.2-6.6.3) over its dialogues:
 * takes promises by the rules and its policy, opens sessions for consumers with a leftover under
 * its current proposal, meters them from the consumer's confirmation on a fixed interval (metering
 * messages, payment advice on the four triggers), expires sessions never confirmed, stops a session
 * whose leftover stays exhausted past the grace period, closes the sessions of a dialogue that
 * ends, and hands consumers to the clearing policy. Nothing is sent under a lock: each dialogue's
 * notices go out on their own thread ({@link SessionNotices}), so a silent consumer stalls only
 * itself.
 */
public final class ProviderSessions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderSessions.class);
  private static final HexFormat HEX = HexFormat.of();

  /** How long shutdown waits for final notices to leave before giving up on silent consumers. */
  private static final Duration FAREWELL = Duration.ofSeconds(2);

  /**
   * The provider's terms for one offered service: {@code sessionsPerConsumer} bounds what one
   * consumer holds open (the tunnel's address pool is shared), {@code confirmationDeadline} how
   * long an accepted session waits for the consumer's confirmation before it expires unbilled.
   */
  public record Terms(
      ServiceProposal proposal,
      Myst minimumPromise,
      Myst exposureCap,
      Duration meteringInterval,
      Duration exhaustedGrace,
      int sessionsPerConsumer,
      Duration confirmationDeadline) {
    public static final int DEFAULT_SESSIONS_PER_CONSUMER = 4;
    public static final Duration DEFAULT_CONFIRMATION_DEADLINE = Duration.ofSeconds(30);

    public Terms {
      if (sessionsPerConsumer < 1) {
        throw new IllegalArgumentException("at least one session per consumer");
      }
    }

    /** Terms with the default session limits. */
    public Terms(
        ServiceProposal proposal,
        Myst minimumPromise,
        Myst exposureCap,
        Duration meteringInterval,
        Duration exhaustedGrace) {
      this(
          proposal,
          minimumPromise,
          exposureCap,
          meteringInterval,
          exhaustedGrace,
          DEFAULT_SESSIONS_PER_CONSUMER,
          DEFAULT_CONFIRMATION_DEADLINE);
    }
  }

  /** The consumer's balance in the payments contract, for risk checks. */
  @FunctionalInterface
  public interface Balances {
    BigInteger paymentsBalance(Address identity) throws Exception;

    /**
     * Whether a promise the identity signed was cleared against its stake since it last registered
     * (whitepaper 6.5.6): its promises are refused.
     */
    default boolean defaulted(Address identity) throws Exception {
      return false;
    }

    /** This provider now holds more from the issuer (told to other providers, 6.5.6). */
    default void accepted(Address identity) {}

    /** Why the identity's history falls short of what the offer asks, if it does. */
    default java.util.Optional<String> historyShortfall(Address identity) throws Exception {
      return java.util.Optional.empty();
    }
  }

  /** Called when a consumer's promises should be cleared (a session ended). */
  @FunctionalInterface
  public interface ClearingPolicy {
    void sessionEnded(Address consumer);
  }

  private final Terms terms;
  // one read of the kernel's TCP tables serves every session's meter at a metering tick
  private final java.util.function.Supplier<network.mysterium.net.TcpQueues> kernelQueues =
      network.mysterium.net.TcpQueues.cached(Meter.SNAPSHOT_NANOS);
  private final Promises signatures;
  private final ReceivedPromises promises;
  private final ConsumerAccounts accounts;
  // bound once by serve(): the service is started with this object as its data channel's gate
  private volatile ServiceBackend backend;
  private final Balances balances;
  private final ClearingPolicy clearing;
  private final SessionEvents events;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, ProviderSession> sessions = new ConcurrentHashMap<>();
  // identity-keyed: a consumer's replaced dialogue keeps its own notices and advice
  private final Map<Dialogue, Outbox> outboxes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticks =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("session-metering").daemon().factory());
  private volatile ServiceProposal current;

  public ProviderSessions(
      Terms terms,
      Promises signatures,
      ReceivedPromises promises,
      ConsumerAccounts accounts,
      Balances balances,
      ClearingPolicy clearing,
      SessionEvents events) {
    this.terms = terms;
    this.signatures = signatures;
    this.promises = promises;
    this.accounts = accounts;
    this.balances = balances;
    this.clearing = clearing;
    this.events = events;
    this.current = terms.proposal();
    long interval = terms.meteringInterval().toMillis();
    ticks.scheduleWithFixedDelay(this::meterAll, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * Binds the service these sessions open, once (it was started with {@link #meter} as its gate);
   * requests before it are refused.
   */
  public void serve(ServiceBackend service) {
    if (backend != null) {
      throw new IllegalStateException("serving already");
    }
    backend = service;
  }

  /**
   * The proposal as announced now (its serial): new sessions must name it; open ones keep the
   * proposal they were accepted under.
   */
  public void announced(ServiceProposal proposal) {
    this.current = proposal;
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
      Duration elapsed) {}

  /** The sessions open now with their metering (from confirmation on), the oldest first. */
  public List<ActiveSession> active() {
    return sessions.values().stream()
        .filter(s -> s.state != State.CLOSED)
        .sorted(Comparator.comparingLong((ProviderSession s) -> s.accepted))
        .map(
            s ->
                new ActiveSession(
                    s.key,
                    s.consumer,
                    s.bytesToConsumer(),
                    s.bytesFromConsumer(),
                    s.billed,
                    Duration.ofMillis(s.elapsedMillis())))
        .toList();
  }

  /**
   * The meter of an open session, by its id: the data channel's gate. A data connection under an
   * accepted session proves the consumer's channel works, so it confirms the session (billing
   * starts) even if the confirmation notice is still on its way.
   */
  public Optional<Meter> meter(byte[] sessionId) {
    ProviderSession s = sessions.get(HEX.formatHex(sessionId));
    if (s == null) {
      return Optional.empty();
    }
    s.confirm();
    return s.state == State.CONFIRMED ? Optional.of(s.meter) : Optional.empty();
  }

  /** A dialogue with a consumer ended: the sessions that ran on it end with it. */
  public void dialogueClosed(Dialogue dialogue, String reason) {
    for (ProviderSession s : sessions.values()) {
      if (s.dialogue == dialogue) {
        close(s, "dialogue closed: " + reason, false);
      }
    }
    Outbox gone = outboxes.remove(dialogue);
    if (gone != null) {
      gone.notices.close(System.nanoTime()); // nothing can reach a closed dialogue
    }
  }

  private Exchange.Builder onPayment(Dialogue dialogue, Exchange message)
      throws Conversation.RefusedException {
    SignedPromise signed;
    try {
      signed = PromiseMessages.decode(message.getPaymentProposal().getPromise());
    } catch (IllegalArgumentException e) {
      throw new Conversation.RefusedException("MALFORMED", e.getMessage());
    }
    // cheap checks first: a stranger's promise costs no balance lookup on the chain
    if (!signed.promise().issuer().equals(dialogue.peer())) {
      throw new Conversation.RefusedException(
          "WRONG_ISSUER", "the promise is " + signed.promise().issuer() + "'s");
    }
    if (!signed.promise().benefiter().equals(current.provider())) {
      throw refused(
          PromiseRefusedException.Reason.WRONG_BENEFITER,
          "made out to " + signed.promise().benefiter());
    }
    if (!signatures.isSignedByIssuer(signed)) {
      throw refused(PromiseRefusedException.Reason.BAD_SIGNATURE, "not signed by its issuer");
    }
    boolean defaulted;
    try {
      defaulted = balances.defaulted(dialogue.peer());
    } catch (Exception e) {
      throw new Conversation.RefusedException("BALANCE_UNAVAILABLE", "cannot check standing now");
    }
    if (defaulted) {
      throw new Conversation.RefusedException(
          "ISSUER_DEFAULTED",
          "a promise of " + dialogue.peer() + " was cleared against its stake: register again");
    }
    java.util.Optional<String> shortfall;
    try {
      shortfall = balances.historyShortfall(dialogue.peer());
    } catch (Exception e) {
      throw new Conversation.RefusedException("BALANCE_UNAVAILABLE", "cannot check history now");
    }
    if (shortfall.isPresent()) {
      throw new Conversation.RefusedException("HISTORY_REQUIRED", shortfall.get());
    }
    BigInteger balance;
    try {
      balance = balances.paymentsBalance(dialogue.peer());
    } catch (Exception e) {
      throw new Conversation.RefusedException("BALANCE_UNAVAILABLE", "cannot check balances now");
    }
    // Risk (6.5.6): uncleared promises stay within the cap and within what the issuer holds.
    Myst cap = Myst.ofBaseUnits(terms.exposureCap().baseUnits().min(balance.max(BigInteger.ZERO)));
    BigInteger leftover;
    try {
      promises.accept(signed, new ReceivedPromises.Policy(terms.minimumPromise(), cap));
      leftover = accounts.leftover(dialogue.peer());
    } catch (PromiseRefusedException e) {
      throw new Conversation.RefusedException(
          network.mysterium.conversation.proto.Refusal.newBuilder()
              .setCode(e.reason().name())
              .setReason(e.getMessage())
              .setPayment(PromiseMessages.refused(e))
              .build());
    } catch (StoreException e) {
      throw SessionRefusal.LEDGER_UNAVAILABLE.because("the provider's ledger is unavailable");
    }
    events.promiseAccepted(dialogue.peer(), signed.promise(), leftover);
    balances.accepted(dialogue.peer());
    advise(dialogue, PaymentAdvice.Trigger.PROMISE_ACCEPTED, leftover, false);
    return Exchange.newBuilder()
        .setPaymentAccepted(
            PaymentAccepted.newBuilder().setLeftover(PromiseMessages.amount(leftover)));
  }

  private static Conversation.RefusedException refused(
      PromiseRefusedException.Reason reason, String detail) {
    return Conversation.RefusedException.withCode(
        reason.name(), new PromiseRefusedException(reason, detail).getMessage());
  }

  private Exchange.Builder onSessionRequest(Dialogue dialogue, Exchange message)
      throws Conversation.RefusedException {
    var request = message.getSessionRequest();
    ServiceProposal proposal = current;
    if (!request.getServiceType().equals(proposal.serviceType())) {
      throw SessionRefusal.WRONG_SERVICE.because(
          "no " + request.getServiceType() + " service here");
    }
    if (request.getProposalSerial() != proposal.serial()) {
      throw SessionRefusal.PROPOSAL_OUTDATED.because(
          "the current proposal is serial "
              + proposal.serial()
              + ", not "
              + request.getProposalSerial());
    }
    Address consumer = dialogue.peer();
    long open = sessions.values().stream().filter(s -> s.consumer.equals(consumer)).count();
    if (open >= terms.sessionsPerConsumer()) {
      throw SessionRefusal.TOO_MANY_SESSIONS.because(
          "at most " + terms.sessionsPerConsumer() + " open sessions per consumer");
    }
    BigInteger leftover;
    try {
      leftover = accounts.leftover(consumer);
    } catch (StoreException e) {
      throw SessionRefusal.LEDGER_UNAVAILABLE.because("the provider's ledger is unavailable");
    }
    if (leftover.signum() <= 0) {
      throw SessionRefusal.LEFTOVER_EXHAUSTED.because(
          "pay first (at least " + terms.minimumPromise() + ")");
    }
    byte[] id = new byte[16];
    random.nextBytes(id);
    Meter meter = new Meter(proposal.bandwidthKbps(), kernelQueues);
    ServiceBackend service = backend;
    if (service == null) {
      throw SessionRefusal.SERVICE_REFUSED.because("the service is starting");
    }
    byte[] providerData;
    try {
      providerData = service.open(id, request.getServiceData().toByteArray(), meter);
    } catch (ServiceBackend.RefusedException e) {
      throw SessionRefusal.SERVICE_REFUSED.because(e.getMessage());
    }
    ProviderSession session = new ProviderSession(HEX.formatHex(id), id, dialogue, meter, proposal);
    sessions.put(session.key, session);
    events.sessionOpened(consumer, session.key, proposal.serviceType());
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
        s.confirm(); // metering and billing start here (6.6.3)
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
  private void meter(ProviderSession s) throws StoreException {
    BigInteger leftover;
    SessionEvents.Metering metering;
    synchronized (s) {
      if (s.state == State.CLOSED) {
        return;
      }
      if (s.state == State.ACCEPTED) {
        if (System.nanoTime() - s.accepted >= terms.confirmationDeadline().toNanos()) {
          expire(s);
        }
        return; // nothing is billed before the consumer confirms
      }
      metering = s.reading(false);
      BigInteger cost = metering.cost();
      // an idle session costs nothing: no ledger write (an fsync'd transaction) for it
      leftover =
          cost.equals(s.billed)
              ? accounts.leftover(s.consumer)
              : accounts.consume(s.consumer, cost.subtract(s.billed));
      s.billed = cost;
      s.last = metering;
    }
    post(s, metering);
    events.metering(s.consumer, metering);
    if (leftover.signum() <= 0) {
      if (s.exhaustedSince == 0) {
        s.exhaustedSince = System.nanoTime();
        advise(s.dialogue, PaymentAdvice.Trigger.LEFTOVER_EXHAUSTED, leftover, false);
      } else if (System.nanoTime() - s.exhaustedSince >= terms.exhaustedGrace().toNanos()) {
        close(s, "leftover exhausted", true);
      }
    } else {
      s.exhaustedSince = 0;
      BigInteger advised = outbox(s.dialogue).advised;
      if (leftover.subtract(advised).abs().multiply(BigInteger.TEN).compareTo(advised) > 0) {
        advise(s.dialogue, PaymentAdvice.Trigger.LEFTOVER_CHANGED, leftover, false);
      }
    }
  }

  private void expire(ProviderSession s) {
    // runs on the metering thread, holding only this session: close sends nothing itself
    Thread.ofVirtual()
        .name("session-expiry")
        .start(() -> close(s, "not confirmed within " + terms.confirmationDeadline(), true));
  }

  /** The cost of what was used since confirmation, by the proposal the session was accepted on. */
  static BigInteger costOf(ServiceProposal proposal, long bytes, long millis) {
    BigInteger price = proposal.pricePerUnit().baseUnits();
    return switch (proposal.metering()) {
      case PER_MEGABYTE ->
          price.multiply(BigInteger.valueOf(bytes)).divide(BigInteger.valueOf(1_000_000));
      case PER_SECOND ->
          price.multiply(BigInteger.valueOf(millis)).divide(BigInteger.valueOf(1000));
    };
  }

  private void post(ProviderSession s, SessionEvents.Metering m) {
    outbox(s.dialogue)
        .notices
        .post(
            "metering " + s.key,
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

  private Outbox outbox(Dialogue dialogue) {
    return outboxes.computeIfAbsent(dialogue, d -> new Outbox(new SessionNotices(d)));
  }

  /**
   * Sends payment advice (a notice, never blocking) and remembers what was advised; the future
   * completes when the consumer acknowledged it.
   */
  public java.util.concurrent.CompletableFuture<Void> advise(
      Dialogue dialogue, PaymentAdvice.Trigger trigger, BigInteger leftover, boolean newPromise) {
    if (dialogue.state() == Dialogue.State.CLOSED) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new IllegalStateException("the dialogue is closed"));
    }
    Outbox outbox = outbox(dialogue);
    outbox.advised = leftover;
    return outbox.notices.post(
        "advice " + trigger,
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
    synchronized (s) {
      if (s.state == State.CLOSED) {
        return;
      }
      try {
        SessionEvents.Metering last = s.reading(true);
        if (!last.cost().equals(s.billed)) {
          accounts.consume(s.consumer, last.cost().subtract(s.billed));
        }
        s.billed = last.cost();
        s.last = last;
      } catch (StoreException e) {
        LOG.warn("final metering of {} failed: {}", s.key, e.getMessage());
      }
      s.state = State.CLOSED;
    }
    s.meter.stop();
    ServiceBackend service = backend;
    if (service != null) {
      service.closed(s.id);
    }
    sessions.remove(s.key);
    if (tellConsumer && s.dialogue.state() != Dialogue.State.CLOSED) {
      post(s, s.last);
      outbox(s.dialogue)
          .notices
          .post(
              "close " + s.key,
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

  /** Ends every session, gives their final notices a moment to leave, and stops; never hangs. */
  @Override
  public void close() {
    ticks.shutdownNow();
    for (ProviderSession s : sessions.values()) {
      close(s, "the provider stopped", true);
    }
    long deadline = System.nanoTime() + FAREWELL.toNanos();
    for (Outbox o : outboxes.values()) {
      o.notices.close(deadline);
    }
    outboxes.clear();
  }

  /** A dialogue's notices and the leftover last advised on it. */
  private static final class Outbox {
    final SessionNotices notices;
    volatile BigInteger advised = BigInteger.ZERO;

    Outbox(SessionNotices notices) {
      this.notices = notices;
    }
  }
}
