package network.mysterium.session;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.conversation.proto.Refusal;
import network.mysterium.crypto.Address;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.IssuedPromises;
import network.mysterium.payments.PromiseMessages;
import network.mysterium.payments.proto.PaymentRefused;
import network.mysterium.service.Meter;
import network.mysterium.service.ServiceClient;
import network.mysterium.service.socks.Socks5Client;
import network.mysterium.session.proto.MeteringMessage;
import network.mysterium.session.proto.SessionAccepted;
import network.mysterium.session.proto.SessionClose;
import network.mysterium.session.proto.SessionConfirmation;
import network.mysterium.session.proto.SessionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's side of one session (whitepaper 6.6.3), over a {@link ProviderLink} that it may
 * share with other sessions: pays in advance, asks for the session with its service's data, brings
 * the service's data channel up from the provider's offer, confirms, follows the provider's
 * metering, and closes cleanly.
 */
public final class ConsumerSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerSession.class);

  /** A session could not be opened: why, in words for the user. */
  public static final class SessionFailedException extends Exception {
    private final Failure failure;
    private final transient PaymentRefused paymentRefused;
    private final String refusalCode;

    public SessionFailedException(String message) {
      this(Failure.OTHER, message);
    }

    public SessionFailedException(Failure failure, String message) {
      super(message);
      this.failure = failure;
      this.paymentRefused = null;
      this.refusalCode = "";
    }

    /** The provider refused; a refused payment says why in its typed detail. */
    public SessionFailedException(Refusal refusal) {
      super(refusal.getReason());
      this.failure = Failure.REFUSED;
      this.paymentRefused = refusal.hasPayment() ? refusal.getPayment() : null;
      this.refusalCode = refusal.getCode();
    }

    /**
     * The provider's refusal code (a {@link SessionRefusal} name, or a payment's), empty when the
     * provider gave none or this was not a refusal.
     */
    public String refusalCode() {
      return refusalCode;
    }

    public Failure failure() {
      return failure;
    }

    /** The typed refusal of a payment, or null when this was not one. */
    public PaymentRefused paymentRefused() {
      return paymentRefused;
    }
  }

  /** Why a session failed or the consumer ended it (for the user, and for failing over). */
  public enum Failure {
    /** The provider refused (its reason in words, a payment's also typed). */
    REFUSED,
    /** The provider billed more than this side counted, beyond the tolerance. */
    OVERBILLED,
    /** The provider's advice asked for payments above the consumer's own step. */
    ADVICE_ABOVE_STEP,
    /** Paying on would pass the user's spending limit for a session (a connection's, in a node). */
    SPEND_LIMIT,
    /** Paying on would pass the user's limit for one provider: another may still be paid. */
    PROVIDER_SPEND_LIMIT,
    OTHER
  }

  private final ProviderLink link;
  private final SessionEvents events;
  private final Meter meter = new Meter();
  private final AtomicReference<SessionEvents.Metering> lastMetering = new AtomicReference<>();
  private final CompletableFuture<String> closedByProvider = new CompletableFuture<>();
  private final ServiceClient client;
  private final AtomicReference<Myst> spent =
      new AtomicReference<>(Myst.ofBaseUnits(java.math.BigInteger.ZERO));
  private volatile BillCheck bills;
  private volatile Failure endedBy;
  private volatile boolean closedHere;
  private volatile String endReason;
  private volatile byte[] sessionId;

  private ConsumerSession(ProviderLink link, SessionEvents events, ServiceClient client) {
    this.link = link;
    this.events = events;
    this.client = client;
  }

  /** Connects to a provider's SOCKS5 service on a dialogue of its own, proxy on loopback. */
  public static ConsumerSession open(
      Dialogues dialogues,
      ServiceProposal proposal,
      IssuedPromises promises,
      Myst paymentStep,
      SessionEvents events,
      Duration timeout)
      throws SessionFailedException, InterruptedException {
    ProviderLink link =
        ProviderLink.open(
            dialogues,
            proposal.provider(),
            contactsOf(proposal, dialogues.contact()),
            promises,
            paymentStep,
            timeout);
    return open(
        link,
        proposal,
        events,
        new Socks5Client(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
  }

  /**
   * Opens a session over an open link (which other sessions may share), pays a step first, and
   * brings the client's data channel up.
   */
  public static ConsumerSession open(
      ProviderLink link, ServiceProposal proposal, SessionEvents events, ServiceClient client)
      throws SessionFailedException, InterruptedException {
    ConsumerSession session = new ConsumerSession(link, events, client);
    try {
      session.start(proposal);
      return session;
    } catch (SessionFailedException | InterruptedException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** The first contact of a proposal, or why there is none. */
  public static Contact contactOf(ServiceProposal proposal) throws SessionFailedException {
    try {
      return proposal.contacts().stream()
          .map(Contact::parse)
          .findFirst()
          .orElseThrow(() -> new SessionFailedException("the proposal lists no contact"));
    } catch (IllegalArgumentException e) {
      throw new SessionFailedException("the proposal's contact is unusable: " + e.getMessage());
    }
  }

  /**
   * The contacts of a proposal that a node on {@code local} can use, in the provider's order: the
   * same channel type, and an address family the local socket reaches (an IPv4 socket cannot send
   * to IPv6, nor a socket bound to one IPv6 address to IPv4). Contacts this node cannot read (a
   * newer scheme) are skipped, not fatal: another may work.
   */
  public static List<Contact> contactsOf(ServiceProposal proposal, Contact local)
      throws SessionFailedException {
    List<Contact> usable = new ArrayList<>();
    for (String text : proposal.contacts()) {
      Contact contact;
      try {
        contact = Contact.parse(text);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (contact.type().equals(local.type()) && reaches(local, contact)) {
        usable.add(contact);
      }
    }
    if (usable.isEmpty()) {
      throw new SessionFailedException(
          "none of the provider's contacts "
              + proposal.contacts()
              + " is reachable from this node's "
              + local);
    }
    return usable;
  }

  private static boolean reaches(Contact local, Contact remote) {
    InetAddress from = local.address().getAddress();
    InetAddress to = remote.address().getAddress();
    if (from instanceof java.net.Inet6Address && from.isAnyLocalAddress()) {
      return true; // a dual-stack wildcard socket sends to both families
    }
    return from.getClass() == to.getClass();
  }

  private static boolean beyondDeposit(SessionFailedException e) {
    return e.paymentRefused() != null
        && e.paymentRefused().getReason() == PaymentRefused.Reason.EXPOSURE_CAP;
  }

  private void start(ServiceProposal proposal) throws SessionFailedException, InterruptedException {
    if (!proposal.serviceType().equals(client.serviceType())) {
      throw new SessionFailedException(
          "the proposal is for " + proposal.serviceType() + ", not " + client.serviceType());
    }
    SessionFailedException refusedPayment = null;
    try {
      link.pay(link.paymentStep(), this);
    } catch (SessionFailedException e) {
      if (!beyondDeposit(e)) {
        throw e;
      }
      // Nothing deposited (or all of it promised elsewhere): a provider with a free trial serves
      // until the trial is used up, and says so when it is not offering one.
      LOG.info("the provider takes no promise above this identity's deposit: asking for its trial");
      refusedPayment = e;
    }
    Exchange answer;
    try {
      answer =
          link.ask(
              Exchange.newBuilder()
                  .setSessionRequest(
                      SessionRequest.newBuilder()
                          .setServiceType(proposal.serviceType())
                          .setProposalSerial(proposal.serial())
                          .setServiceData(ByteString.copyFrom(client.request()))));
    } catch (SessionFailedException e) {
      if (refusedPayment == null) {
        throw e;
      }
      // no trial either: the session's refusal (typed) says so, and the refused payment is why
      SessionFailedException both =
          new SessionFailedException(
              Refusal.newBuilder()
                  .setCode(e.refusalCode())
                  .setReason(e.getMessage() + " (" + refusedPayment.getMessage() + ")")
                  .build());
      both.addSuppressed(e);
      throw both;
    }
    if (!answer.hasSessionAccepted()) {
      throw new SessionFailedException("unexpected answer " + answer.getBodyCase());
    }
    SessionAccepted accepted = answer.getSessionAccepted();
    sessionId = accepted.getSessionId().toByteArray();
    bills = new BillCheck(proposal, meter, System.nanoTime());
    link.add(this);
    try {
      client.start(accepted.getProviderData().toByteArray(), sessionId, meter);
    } catch (IOException e) {
      confirm(false, e.getMessage());
      throw new SessionFailedException(e.getMessage());
    }
    confirm(true, "");
    events.sessionOpened(link.provider(), sessionId(), proposal.serviceType());
  }

  /** The service's data channel (e.g. the local SOCKS5 proxy, or the IP tunnel). */
  public ServiceClient client() {
    return client;
  }

  /** Where applications connect when this is a SOCKS5 session: the local proxy. */
  public InetSocketAddress socksAddress() {
    if (client instanceof Socks5Client socks) {
      return socks.address();
    }
    throw new IllegalStateException("a " + client.serviceType() + " session has no SOCKS5 proxy");
  }

  public String sessionId() {
    return sessionId == null ? "-" : HexFormat.of().formatHex(sessionId);
  }

  /** The dialogue this session runs on (shared with the provider's other sessions). */
  public ProviderLink link() {
    return link;
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

  /** Pays {@code amount} more to this session's provider. */
  public void pay(Myst amount) throws SessionFailedException, InterruptedException {
    link.pay(amount, this);
  }

  private void confirm(boolean success, String failure) {
    link.tell(
        Exchange.newBuilder()
            .setSessionConfirmation(
                SessionConfirmation.newBuilder()
                    .setSessionId(ByteString.copyFrom(sessionId))
                    .setSuccess(success)
                    .setFailure(failure)));
  }

  void onMetering(MeteringMessage m) {
    SessionEvents.Metering metering =
        new SessionEvents.Metering(
            sessionId(),
            PromiseMessages.amount(m.getCost()),
            m.getBytesToConsumer(),
            m.getBytesFromConsumer(),
            m.getDurationMillis(),
            m.getFinal());
    lastMetering.set(metering);
    events.metering(link.provider(), metering);
    BillCheck check = bills;
    if (check != null && endedBy == null) {
      check
          .overbilled(metering.cost(), System.nanoTime())
          .ifPresent(why -> endedByConsumer(Failure.OVERBILLED, why));
      if (check.holding()) {
        // judged once what was in flight has had time to arrive, whether more bills come or not
        CompletableFuture.runAsync(
            () -> {
              if (endedBy == null) {
                check
                    .judgeHeld(System.nanoTime())
                    .ifPresent(why -> endedByConsumer(Failure.OVERBILLED, why));
              }
            },
            CompletableFuture.delayedExecutor(
                BillCheck.LAG_NANOS + 100_000_000L, TimeUnit.NANOSECONDS));
      }
    }
    if (endedBy == null && !metering.last()) {
      link.meteringArrived();
    }
  }

  /** The most the provider may bill this session now, by this side's count and tolerance. */
  java.math.BigInteger allowedCost() {
    BillCheck check = bills;
    return check == null ? java.math.BigInteger.ZERO : check.allowed(System.nanoTime());
  }

  /** What this session paid so far (its own payments and the advised ones while it ran). */
  public Myst spent() {
    return spent.get();
  }

  void spent(Myst amount) {
    spent.accumulateAndGet(amount, Myst::plus);
  }

  /**
   * Whether this side closed the session without a failure of the provider's: the user's
   * disconnect, not a provider left or lost.
   */
  public boolean closedByUser() {
    return closedHere && endedBy == null;
  }

  /** Why the consumer ended this session itself, or null. */
  public Failure endedBy() {
    return endedBy;
  }

  /**
   * The consumer stops this session (it pays no more): the provider is told, the data channel
   * stops, and the user hears why. Not on the receiving thread's time: closing waits briefly.
   */
  void endedByConsumer(Failure failure, String reason) {
    if (endedBy != null) {
      return;
    }
    endedBy = failure;
    String why = failure + ": " + reason;
    endReason = why;
    Thread.ofVirtual().name("end-session").start(() -> close(why));
  }

  void providerGone(String providerReason) {
    String reason = endReason != null ? endReason : providerReason;
    meter.stop();
    client.lost();
    if (closedByProvider.complete(reason)) {
      events.sessionClosed(link.provider(), sessionId(), reason, lastMetering.get());
    }
  }

  /**
   * Ends the session: tells the provider, waits briefly for its final metering, stops the proxy;
   * the dialogue closes with the provider's last session.
   */
  @Override
  public void close() {
    close("the consumer disconnected");
  }

  private void close(String reason) {
    closedHere = true;
    client.close();
    meter.stop();
    if (sessionId != null && !closedByProvider.isDone()) {
      link.tell(
          Exchange.newBuilder()
              .setSessionClose(
                  SessionClose.newBuilder()
                      .setSessionId(ByteString.copyFrom(sessionId))
                      .setReason(reason)));
      try {
        closedByProvider.get(Math.min(3000, link.timeout().toMillis()), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // no final word from the provider: its own metering stands
      }
    }
    if (endedBy != null && closedByProvider.complete(reason)) {
      events.sessionClosed(link.provider(), sessionId(), reason, lastMetering.get());
    }
    if (sessionId != null) {
      link.remove(this);
    } else {
      link.closeIfIdle(); // no session came of it: a link no session uses is not kept
    }
  }

  /** The provider this session is with. */
  public Address provider() {
    return link.provider();
  }
}
