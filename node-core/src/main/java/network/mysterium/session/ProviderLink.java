package network.mysterium.session;

import java.math.BigInteger;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import network.mysterium.payments.proto.PaymentRefused;
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

  /** The least time a contact has to answer before the next is tried. */
  static final Duration LEAST_PER_CONTACT = Duration.ofSeconds(3);

  /** How far a provider's (uncheckable) figures may move our serial in one refusal. */
  static final long MAX_SERIAL_SKIP = 1000;

  private final Address provider;
  private final IssuedPromises promises;
  private final Duration timeout;
  private final Conversation conversation;
  private final Map<String, ConsumerSession> sessions = new ConcurrentHashMap<>();
  private final Myst paymentStep;
  private final ClearedSerials chain;
  private final SpendLimit limit;
  private final Object paying = new Object();
  // One advice-driven payment at a time, however many advices come: the rest are dropped.
  private final AtomicBoolean advisedPaymentRunning = new AtomicBoolean();
  private final AtomicLong adviceRefused = new AtomicLong();
  // Written under paying only; read without it (the receiving thread must never wait for it).
  private volatile BigInteger paid = BigInteger.ZERO; // accepted on this dialogue
  private volatile BigInteger atRisk = BigInteger.ZERO; // signed, not taken, maybe clearable
  private volatile Dialogue dialogue;
  private volatile Contact contact;
  private volatile boolean opening;
  private volatile boolean closed;

  private ProviderLink(
      Address provider,
      IssuedPromises promises,
      Myst paymentStep,
      Duration timeout,
      ClearedSerials chain,
      SpendLimit limit) {
    this.provider = provider;
    this.promises = promises;
    this.paymentStep = paymentStep;
    this.timeout = timeout;
    this.chain = chain;
    this.limit = limit;
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
    return open(dialogues, provider, List.of(contact), promises, paymentStep, timeout);
  }

  /** Opens the dialogue with the provider at the first of its contacts that answers. */
  public static ProviderLink open(
      Dialogues dialogues,
      Address provider,
      List<Contact> contacts,
      IssuedPromises promises,
      Myst paymentStep,
      Duration timeout)
      throws ConsumerSession.SessionFailedException, InterruptedException {
    return open(
        dialogues,
        provider,
        contacts,
        promises,
        paymentStep,
        timeout,
        ClearedSerials.unknown(),
        SpendLimit.defaults());
  }

  /**
   * Opens the dialogue at the first of the provider's contacts that answers, in their order (each
   * has an equal share of {@code timeout}, at least {@link #LEAST_PER_CONTACT}); its first payment
   * is a new serial above what the chain says was cleared, so a provider that cleared after the
   * last dialogue (or a fresh ledger) never refuses it.
   */
  public static ProviderLink open(
      Dialogues dialogues,
      Address provider,
      List<Contact> contacts,
      IssuedPromises promises,
      Myst paymentStep,
      Duration timeout,
      ClearedSerials chain,
      SpendLimit limit)
      throws ConsumerSession.SessionFailedException, InterruptedException {
    if (contacts.isEmpty()) {
      throw new ConsumerSession.SessionFailedException("the provider lists no usable contact");
    }
    ProviderLink link = new ProviderLink(provider, promises, paymentStep, timeout, chain, limit);
    long each = Math.max(LEAST_PER_CONTACT.toMillis(), timeout.toMillis() / contacts.size());
    link.opening = true;
    for (Contact contact : contacts) {
      try {
        // A later attempt replaces the one before: its close is not this link's end (opening).
        link.dialogue =
            dialogues
                .open(provider, contact, link.conversation)
                .get(Math.min(each, timeout.toMillis()), TimeUnit.MILLISECONDS);
        link.contact = contact;
        break;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.debug("provider {} did not answer at {}", provider, contact);
      }
    }
    link.opening = false;
    if (link.dialogue == null) {
      link.closed = true;
      throw new ConsumerSession.SessionFailedException(
          "the provider did not answer at "
              + String.join(", ", contacts.stream().map(Contact::toString).toList()));
    }
    link.conversation.on(link.dialogue);
    link.startSerialAboveCleared();
    return link;
  }

  private void startSerialAboveCleared() throws ConsumerSession.SessionFailedException {
    // The provider clears at every session end, perhaps after we left: never raise a serial it may
    // have frozen or cleared; a dialogue starts a serial of its own.
    newSerialRequested();
    long onChain = clearedOnChain();
    promises.resync(provider, onChain);
  }

  /** The chain's last cleared serial to this provider, or -1 when the chain cannot say now. */
  private long clearedOnChain() {
    try {
      return chain.lastCleared(promises.issuer(), provider);
    } catch (Exception e) {
      LOG.debug("cannot read the cleared serial for {}: {}", provider, e.getMessage());
      return -1;
    }
  }

  public Address provider() {
    return provider;
  }

  /** The provider's contact that answered. */
  public Contact contact() {
    return contact;
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

  /** Pays {@code amount} more for {@code session} (null: for every open session). */
  public void pay(Myst amount) throws ConsumerSession.SessionFailedException, InterruptedException {
    pay(amount, null);
  }

  /**
   * Pays {@code amount} more: a new or raised promise. A refusal for a serial the chain shows
   * cleared is resynced and paid again, so the user never sees it. Any other payment not taken
   * (refused, unanswered) leaves a signed promise the provider could still clear: it counts against
   * the limit, and this dialogue pays no more, so a provider gets at most one step it did not earn.
   */
  void pay(Myst amount, ConsumerSession session)
      throws ConsumerSession.SessionFailedException, InterruptedException {
    synchronized (paying) {
      if (atRisk.signum() > 0) {
        throw new ConsumerSession.SessionFailedException(
            ConsumerSession.Failure.REFUSED,
            "the provider did not take a signed promise before: paying it no more");
      }
      withinLimit(amount, session);
      for (int attempt = 0; ; attempt++) {
        Optional<SignedPromise> before = current();
        SignedPromise sent = issue(amount);
        try {
          ask(proposal(sent));
          paid = paid.add(amount.baseUnits());
          for (ConsumerSession s : payingSessions(session)) {
            s.spent(amount);
          }
          return;
        } catch (ConsumerSession.SessionFailedException e) {
          boolean voided = resync(e.paymentRefused(), before, sent);
          if (!voided) {
            // no more payments: the provider ends the session when the leftover runs out
            atRisk = atRisk.add(amount.baseUnits());
            throw e;
          }
          if (attempt > 0) {
            throw e;
          }
        }
      }
    }
  }

  private java.util.Collection<ConsumerSession> payingSessions(ConsumerSession session) {
    return session != null ? List.of(session) : sessions.values();
  }

  private void withinLimit(Myst amount, ConsumerSession session)
      throws ConsumerSession.SessionFailedException {
    BigInteger toProvider = paid.add(atRisk).add(amount.baseUnits());
    if (toProvider.compareTo(limit.perProvider().baseUnits()) > 0) {
      throw new ConsumerSession.SessionFailedException(
          ConsumerSession.Failure.PROVIDER_SPEND_LIMIT,
          "paying "
              + amount
              + " more would pass the limit of "
              + limit.perProvider()
              + " per provider");
    }
    for (ConsumerSession s : payingSessions(session)) {
      if (s.spent().plus(amount).compareTo(limit.perSession()) > 0) {
        throw new ConsumerSession.SessionFailedException(
            ConsumerSession.Failure.SPEND_LIMIT,
            "paying "
                + amount
                + " more would pass the limit of "
                + limit.perSession()
                + " per session");
      }
    }
  }

  /**
   * Moves the next serial past what a refusal says is taken; whether the refused promise is void
   * (the chain cleared its serial, so nobody can clear it now). The chain is the truth for what was
   * cleared; the provider's figures, which cannot be checked, move the serial up at most {@link
   * #MAX_SERIAL_SKIP}.
   */
  private boolean resync(PaymentRefused refused, Optional<SignedPromise> before, SignedPromise sent)
      throws ConsumerSession.SessionFailedException {
    long serial = sent.promise().serial();
    boolean raise = before.isPresent() && before.get().promise().serial() == serial;
    if (raise) {
      restore(before.get()); // the ledger says what an honest provider can clear
    }
    if (refused == null) {
      return false; // unanswered: it may hold the promise
    }
    switch (refused.getReason()) {
      case UPDATE_AFTER_NEW_SERIAL_REQUESTED -> newSerialRequested();
      case SERIAL_ALREADY_CLEARED, LOWER_SERIAL, NOT_AN_INCREASE -> {
        long onChain = clearedOnChain();
        long claimed =
            Math.min(
                Math.max(refused.getLastClearedSerial(), refused.getHeldSerial()),
                serial + MAX_SERIAL_SKIP);
        long floor = Math.max(Math.max(onChain, claimed), serial);
        promises.resync(provider, floor);
        LOG.info(
            "{} refused serial {} ({}); the next serial starts above {}",
            provider,
            serial,
            refused.getReason(),
            floor);
        if (onChain >= serial) {
          if (!raise) {
            forget(sent);
          }
          return true;
        }
      }
      default -> {}
    }
    return false;
  }

  Exchange ask(Exchange.Builder request)
      throws ConsumerSession.SessionFailedException, InterruptedException {
    try {
      return conversation.request(request, timeout).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Conversation.RefusedException refused) {
        throw new ConsumerSession.SessionFailedException(refused.refusal());
      }
      throw new ConsumerSession.SessionFailedException(String.valueOf(e.getCause()));
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

  private Optional<SignedPromise> current() throws ConsumerSession.SessionFailedException {
    try {
      return promises.current(provider);
    } catch (StoreException e) {
      throw new ConsumerSession.SessionFailedException("cannot read the ledger: " + e.getMessage());
    }
  }

  private void restore(SignedPromise previous) throws ConsumerSession.SessionFailedException {
    try {
      promises.restore(previous);
    } catch (StoreException e) {
      throw new ConsumerSession.SessionFailedException(
          "cannot record the refusal: " + e.getMessage());
    }
  }

  private void forget(SignedPromise refused) throws ConsumerSession.SessionFailedException {
    try {
      promises.forget(refused);
    } catch (StoreException e) {
      throw new ConsumerSession.SessionFailedException(
          "cannot record the refusal: " + e.getMessage());
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
      // Our step is the user's: a provider asking for more is refused, never followed.
      if (adviceRefused.getAndIncrement() == 0) {
        LOG.warn(
            "{} asks for payments of {}, above our step of {}: refused",
            provider,
            Myst.ofBaseUnits(minimum),
            paymentStep);
      }
      endSessions(
          ConsumerSession.Failure.ADVICE_ABOVE_STEP,
          "the provider asked for payments of "
              + Myst.ofBaseUnits(minimum)
              + ", above our step of "
              + paymentStep);
      return null;
    }
    try {
      if (advice.getNewPromiseRequested()) {
        newSerialRequested();
      }
    } catch (ConsumerSession.SessionFailedException e) {
      LOG.warn("{}", e.getMessage());
    }
    // Keep paid ahead of use while a session runs: pay a step when less than half a step is left,
    // one payment at a time (advice while one runs is dropped), never on the receiving thread,
    // which delivers the answer the payment waits for.
    if (!sessions.isEmpty()
        && advice.getTrigger() != PaymentAdvice.Trigger.PROMISE_ACCEPTED
        && leftover.shiftLeft(1).compareTo(paymentStep.baseUnits()) < 0
        && ownCountNeedsPayment()
        && advisedPaymentRunning.compareAndSet(false, true)) {
      Thread.ofVirtual().name("pay-" + provider).start(this::payAdvised);
    }
    return null;
  }

  /**
   * Whether, by this side's own count (with the billing tolerance), less than half a step of what
   * this dialogue paid is left: the provider's leftover alone never makes the consumer pay.
   */
  /**
   * On every metering message: pays when this side's own count says less than half a step is left,
   * whether or not the provider advised (a provider whose leftover stays at zero advises no more,
   * and a session at its limit must end on this side, saying why).
   */
  void meteringArrived() {
    if (!closed
        && !sessions.isEmpty()
        && atRisk.signum() == 0 // a provider that kept a promise it refused gets no more
        && ownCountNeedsPayment()
        && advisedPaymentRunning.compareAndSet(false, true)) {
      Thread.ofVirtual().name("pay-" + provider).start(this::payAdvised);
    }
  }

  private boolean ownCountNeedsPayment() {
    return paid.subtract(usedByOwnCount()).shiftLeft(1).compareTo(paymentStep.baseUnits()) < 0;
  }

  private BigInteger usedByOwnCount() {
    BigInteger used = BigInteger.ZERO;
    for (ConsumerSession s : sessions.values()) {
      used = used.add(s.allowedCost());
    }
    return used;
  }

  /**
   * Whole steps enough to put what was paid a step ahead of this side's own count: a fast session
   * uses several steps between two advices, and one step per advice would fall behind until the
   * provider stops it. No more than the spending limits leave (at least one step, so that a limit
   * reached is refused with its reason).
   */
  private Myst advisedAmount() {
    BigInteger step = paymentStep.baseUnits();
    BigInteger behind = usedByOwnCount().subtract(paid).add(step);
    BigInteger steps = behind.add(step).subtract(BigInteger.ONE).divide(step).max(BigInteger.ONE);
    BigInteger room = limit.perProvider().baseUnits().subtract(paid).subtract(atRisk);
    for (ConsumerSession s : sessions.values()) {
      room = room.min(limit.perSession().baseUnits().subtract(s.spent().baseUnits()));
    }
    steps = steps.min(room.divide(step)).max(BigInteger.ONE);
    return Myst.ofBaseUnits(step.multiply(steps));
  }

  private void payAdvised() {
    try {
      pay(advisedAmount(), null);
    } catch (ConsumerSession.SessionFailedException e) {
      if (e.failure() == ConsumerSession.Failure.SPEND_LIMIT
          || e.failure() == ConsumerSession.Failure.PROVIDER_SPEND_LIMIT) {
        LOG.info("{}: {}", provider, e.getMessage()); // the user is told as the session ends
        endSessions(e.failure(), e.getMessage());
      } else {
        LOG.warn("payment to {} refused: {}", provider, e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      advisedPaymentRunning.set(false);
    }
  }

  /** How many advices asking for more than our step were refused. */
  public long adviceRefused() {
    return adviceRefused.get();
  }

  /** The consumer ends its sessions with this provider, for a reason the user is told. */
  void endSessions(ConsumerSession.Failure failure, String reason) {
    for (ConsumerSession session : sessions.values()) {
      session.endedByConsumer(failure, reason);
    }
  }

  private void dialogueClosed(String reason) {
    if (opening) {
      return; // an attempt at an earlier contact, replaced by the next
    }
    closed = true;
    for (ConsumerSession session : sessions.values()) {
      session.providerGone(reason);
    }
  }

  /** Closes the dialogue when no session uses it. */
  public void closeIfIdle() {
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
