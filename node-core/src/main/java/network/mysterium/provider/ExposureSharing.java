package network.mysterium.provider;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.crypto.Address;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.payments.PromiseMessages;
import network.mysterium.payments.ReceivedPromises;
import network.mysterium.payments.SignedPromise;
import network.mysterium.payments.proto.ExposureReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells other providers which uncleared promises this one holds from an issuer, after it accepted
 * one (whitepaper 6.5.6: shared promises catch over-promising; no central server). The peers are
 * the providers this node's index lists (at most {@link #MAX_PEERS}); reports of one issuer are
 * coalesced, sent by one virtual thread, so accepting a promise never waits for them. What is held
 * is reported again every {@link #REFRESH}, so providers that appeared since hear of it too.
 */
final class ExposureSharing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExposureSharing.class);

  /** Providers told about each issuer: bounded work per accepted promise. */
  static final int MAX_PEERS = 16;

  /** How often everything held is reported again. */
  static final java.time.Duration REFRESH = java.time.Duration.ofSeconds(5);

  private final java.util.concurrent.ScheduledExecutorService refresh =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("exposure-refresh").daemon().factory());

  private final Address self;
  private final ReceivedPromises ledger;
  private final ProposalIndex index;
  private final java.util.function.LongSupplier headBlock;
  private volatile Dialogues dialogues; // null until started
  private final Set<Address> due = new LinkedHashSet<>();
  private Thread sender;
  private boolean closed;

  ExposureSharing(
      Address self,
      ReceivedPromises ledger,
      ProposalIndex index,
      java.util.function.LongSupplier headBlock) {
    this.self = self;
    this.ledger = ledger;
    this.index = index;
    this.headBlock = headBlock;
  }

  /** From now on, reports go out over these dialogues (the provider's, once it listens). */
  void start(Dialogues over) {
    this.dialogues = over;
    long every = REFRESH.toMillis();
    refresh.scheduleWithFixedDelay(this::reportAllHeld, every, every, TimeUnit.MILLISECONDS);
  }

  private void reportAllHeld() {
    try {
      ledger.issuersWithHeldPromises().forEach(this::promiseAccepted);
    } catch (Exception e) {
      LOG.debug("cannot list what is held now: {}", e.toString());
    }
  }

  /** Reports the issuer's held promises soon (coalesced with reports not yet sent). */
  synchronized void promiseAccepted(Address issuer) {
    if (closed) {
      return;
    }
    due.add(issuer);
    if (sender == null) {
      sender = Thread.ofVirtual().name("exposure-sharing").start(this::drain);
    }
  }

  private void drain() {
    while (true) {
      Address issuer;
      synchronized (this) {
        if (due.isEmpty() || closed) {
          sender = null;
          return;
        }
        issuer = due.iterator().next();
        due.remove(issuer);
      }
      try {
        report(issuer);
      } catch (Exception e) {
        LOG.debug("sharing what {} owes failed: {}", issuer, e.toString());
      }
    }
  }

  private void report(Address issuer) throws Exception {
    List<SignedPromise> held = ledger.held(issuer);
    if (held.isEmpty() || dialogues == null) {
      return;
    }
    ExposureReport.Builder report = ExposureReport.newBuilder();
    held.stream().limit(64).map(PromiseMessages::encode).forEach(report::addPromises);
    index.sync(); // the providers the follower stored since the last search
    Set<Address> told = new LinkedHashSet<>();
    for (ProposalIndex.Listing listing :
        index.search(ProposalIndex.Query.all(), headBlock.getAsLong())) {
      Address peer = listing.proposal().provider();
      if (peer.equals(self) || peer.equals(issuer) || told.size() >= MAX_PEERS || !told.add(peer)) {
        continue;
      }
      tell(peer, listing.proposal().contacts(), report);
    }
  }

  private void tell(Address peer, List<String> contacts, ExposureReport.Builder report) {
    for (String text : contacts) {
      try {
        Contact contact = Contact.parse(text);
        Dialogue dialogue =
            dialogues.dialogueWith(peer).isPresent()
                ? dialogues.dialogueWith(peer).get()
                : dialogues
                    .open(
                        peer, contact, new Conversation(Conversation.Services.none(), (d, w) -> {}))
                    .get(5, TimeUnit.SECONDS);
        Conversation.notice(dialogue, Exchange.newBuilder().setExposureReport(report));
        return;
      } catch (Exception e) {
        LOG.debug("cannot tell {} at {}: {}", peer, text, e.toString());
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    due.clear();
    refresh.shutdownNow();
  }
}
