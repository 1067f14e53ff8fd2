package network.mysterium.dialogue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import network.mysterium.crypto.Address;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.messaging.proto.Ack;
import network.mysterium.messaging.proto.Close;
import network.mysterium.messaging.proto.Data;
import network.mysterium.messaging.proto.DialogueFrame;
import network.mysterium.messaging.proto.Establish;
import network.mysterium.messaging.proto.EstablishAck;
import network.mysterium.messaging.proto.KeepAlive;

/**
 * One dialogue between this node and a peer identity (whitepaper 6.6.1): an explicit state machine
 * (establishing, open, closing, closed) with reliable, ordered delivery on top of an unreliable
 * channel: numbered data, positive acknowledgements (cumulative and selective), retransmission
 * after an RTT-estimated timeout with exponential backoff, a bounded send window, duplicate
 * suppression, and in-order delivery to the application on a virtual thread.
 */
public final class Dialogue {
  /** The dialogue's life. */
  public enum State {
    /** We sent Establish and wait for its acknowledgement. */
    ESTABLISHING,
    /** Both sides know the dialogue; data flows. */
    OPEN,
    /** Closing locally: sends what is in flight, then says Close. */
    CLOSING,
    /** Over: replaced, closed by either side, silent too long, or never acknowledged. */
    CLOSED
  }

  /** What the application does with a dialogue's messages; called on the dialogue's own thread. */
  public interface Handler {
    void onMessage(Dialogue dialogue, byte[] payload);

    default void onClosed(Dialogue dialogue, String reason) {}
  }

  /** Where the dialogue's frames go (sealed and sent by {@link Dialogues}). */
  interface FrameSink {
    void send(Dialogue dialogue, List<DialogueFrame> frames);
  }

  private static final long MIN_RTO_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long MAX_RTO_NANOS = TimeUnit.SECONDS.toNanos(3);
  private static final int MAX_SELECTIVE_ACKS = 64;

  private static final class Outgoing {
    final long sequence;
    final byte[] payload;
    final CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    long lastSentNanos;
    int transmissions;

    Outgoing(long sequence, byte[] payload) {
      this.sequence = sequence;
      this.payload = payload;
    }
  }

  private final Address peer;
  private final byte[] id;
  private final DialogueConfig config;
  private final FrameSink sink;
  private final Handler handler;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition windowOpen = lock.newCondition();
  private final CompletableFuture<Dialogue> established = new CompletableFuture<>();
  // Bounded by config.inbox() (+1 for END): data is acknowledged only once it has a place here.
  private final LinkedBlockingQueue<Object> inbox;
  // Frames made under the lock, sent after it is released: sealing and the channel never run
  // while the lock (or the timer thread that holds it) waits on them.
  private List<DialogueFrame> outbox = new ArrayList<>();
  private static final Object END = new Object();

  private volatile Contact contact;
  // where the dialogue began: a moved path that falls silent falls back to it
  private final Contact origin;
  private Contact movedFrom; // the path left last: its late copies do not move the dialogue back
  private long heardOnPathNanos; // when the current contact last carried the peer
  private State state;
  private String closeReason;
  // sending
  private long nextSequence = 1;
  private final List<Outgoing> unsent = new ArrayList<>();
  private final TreeMap<Long, Outgoing> inFlight = new TreeMap<>();
  private long srttNanos = -1;
  private long rttvarNanos;
  private long rtoNanos = TimeUnit.MILLISECONDS.toNanos(200);
  // receiving
  private long delivered;
  private final TreeMap<Long, byte[]> reorder = new TreeMap<>();
  private final TreeSet<Long> selectiveToAck = new TreeSet<>();
  private boolean ackDue;
  // timers
  private final long createdNanos;
  private long lastReceivedNanos;
  private long lastSentNanos;
  private long lastEstablishNanos;
  private int establishTransmissions;
  private long keepAlivesReceived;

  Dialogue(
      Address peer,
      Contact contact,
      byte[] id,
      boolean initiator,
      DialogueConfig config,
      FrameSink sink,
      Handler handler) {
    this.peer = peer;
    this.contact = contact;
    this.origin = contact;
    this.heardOnPathNanos = System.nanoTime();
    this.id = id.clone();
    this.config = config;
    this.sink = sink;
    this.handler = handler;
    this.inbox = new LinkedBlockingQueue<>(config.inbox() + 1);
    this.createdNanos = System.nanoTime();
    this.lastReceivedNanos = createdNanos;
    this.state = initiator ? State.ESTABLISHING : State.OPEN;
    if (!initiator) {
      established.complete(this);
    }
    Thread.ofVirtual().name("dialogue-" + peer).start(this::deliverLoop);
  }

  public Address peer() {
    return peer;
  }

  public Contact contact() {
    return contact;
  }

  /** The contact the dialogue began on (a relay, for a peer behind a NAT). */
  public Contact origin() {
    return origin;
  }

  /**
   * Sends on another path (one a punch found), a keep-alive at once so the peer follows its signed
   * messages there; silent on it for three keep-alive periods, the dialogue returns to its origin.
   */
  void movePath(Contact path) {
    lock.lock();
    try {
      if (state != State.OPEN || path.equals(contact)) {
        return;
      }
      movedFrom = contact;
      contact = path;
      heardOnPathNanos = System.nanoTime(); // three keep-alive periods to prove itself
      transmit(
          List.of(DialogueFrame.newBuilder().setKeepAlive(KeepAlive.getDefaultInstance()).build()),
          System.nanoTime());
    } finally {
      lock.unlock();
    }
    flush();
  }

  byte[] id() {
    return id.clone();
  }

  boolean hasId(byte[] other) {
    return java.util.Arrays.equals(id, other);
  }

  public State state() {
    lock.lock();
    try {
      return state;
    } finally {
      lock.unlock();
    }
  }

  /** Completes when the peer acknowledged the establishment (at once for accepted dialogues). */
  public CompletableFuture<Dialogue> established() {
    return established;
  }

  /**
   * Queues a message; blocks while the send window is full, at most the configured send timeout
   * (then the future fails with {@link DialogueBusyException}). The future completes when the peer
   * acknowledged it, or fails if the dialogue closes first.
   */
  public CompletableFuture<Void> send(byte[] payload) throws InterruptedException {
    if (payload.length > Dialogues.maxMessageBytes()) {
      throw new IllegalArgumentException(
          "a dialogue message has at most " + Dialogues.maxMessageBytes() + " bytes");
    }
    Outgoing outgoing;
    lock.lock();
    try {
      long waitNanos = config.sendTimeout().toNanos();
      while (state != State.CLOSED && unsent.size() + inFlight.size() >= config.window()) {
        if (waitNanos <= 0) {
          return CompletableFuture.failedFuture(
              new DialogueBusyException(peer, config.sendTimeout()));
        }
        waitNanos = windowOpen.awaitNanos(waitNanos);
      }
      if (state == State.CLOSED || state == State.CLOSING) {
        return CompletableFuture.failedFuture(new DialogueClosedException(peer, closeReason));
      }
      outgoing = new Outgoing(nextSequence++, payload.clone());
      unsent.add(outgoing);
      // Nagle: an idle dialogue sends at once; a busy one sends with the next acknowledgement
      // or timer tick, so many messages share one datagram (and its signature and encryption).
      if (inFlight.isEmpty()) {
        pump(System.nanoTime());
      }
    } finally {
      lock.unlock();
    }
    flush();
    return outgoing.acknowledged;
  }

  /** Closes after what is in flight is acknowledged (or the silence timeout passes). */
  public void close() {
    lock.lock();
    try {
      if (state == State.OPEN || state == State.ESTABLISHING) {
        state = inFlight.isEmpty() && unsent.isEmpty() ? State.CLOSED : State.CLOSING;
        if (state == State.CLOSED) {
          finish("closed by this side", true);
        }
      }
    } finally {
      lock.unlock();
    }
    flush();
  }

  // ---- driven by Dialogues ----

  void sendEstablish(long now) {
    lock.lock();
    try {
      queueEstablish(now);
    } finally {
      lock.unlock();
    }
    flush();
  }

  private void queueEstablish(long now) {
    lastEstablishNanos = now;
    establishTransmissions++;
    transmit(
        List.of(DialogueFrame.newBuilder().setEstablish(Establish.getDefaultInstance()).build()),
        now);
  }

  /** An Establish for this same dialogue arrived again (our acknowledgement was lost). */
  void acknowledgeEstablish(long now) {
    lock.lock();
    try {
      transmit(
          List.of(
              DialogueFrame.newBuilder()
                  .setEstablishAck(EstablishAck.getDefaultInstance())
                  .build()),
          now);
    } finally {
      lock.unlock();
    }
    flush();
  }

  void receive(List<DialogueFrame> frames, Contact from, long now) {
    lock.lock();
    try {
      receiveLocked(frames, from, now);
    } finally {
      lock.unlock();
    }
    flush();
  }

  private void receiveLocked(List<DialogueFrame> frames, Contact from, long now) {
    {
      if (state == State.CLOSED) {
        return;
      }
      if (from.equals(contact)) {
        heardOnPathNanos = now;
      } else if (!from.equals(movedFrom)) {
        // roaming: the peer's newest authenticated source, unless it is the path this dialogue
        // just left (copies still in flight there, or a peer that has not moved yet)
        movedFrom = contact;
        contact = from;
        heardOnPathNanos = now;
      }
      lastReceivedNanos = now;
      for (DialogueFrame frame : frames) {
        switch (frame.getKindCase()) {
          case ESTABLISH_ACK -> {
            if (state == State.ESTABLISHING) {
              state = State.OPEN;
              established.complete(this);
            }
          }
          case DATA -> receiveData(frame.getData());
          case ACK -> receiveAck(frame.getAck(), now);
          case CLOSE -> {
            finish("closed by the peer: " + frame.getClose().getReason(), false);
            return;
          }
          case KEEP_ALIVE -> keepAlivesReceived++; // it only refreshes the silence timer
          default -> {} // Establish is handled by Dialogues
        }
      }
      pump(now);
    }
  }

  /** Timers: retransmissions, keep-alives, establishment retries and the silence timeout. */
  void tick(long now) {
    lock.lock();
    try {
      tickLocked(now);
    } finally {
      lock.unlock();
    }
    flush();
  }

  private void tickLocked(long now) {
    {
      switch (state) {
        case CLOSED -> {
          return;
        }
        case ESTABLISHING -> {
          if (now - createdNanos > config.establishTimeout().toNanos()) {
            finish(
                "the peer did not answer within " + config.establishTimeout().toSeconds() + " s",
                false);
          } else if (now - lastEstablishNanos > backoff(rtoNanos, establishTransmissions)) {
            queueEstablish(now);
          }
          return;
        }
        default -> {}
      }
      if (now - lastReceivedNanos > config.silence().toNanos()) {
        finish("the peer was silent for " + config.silence().toSeconds() + " s", false);
        return;
      }
      if (!contact.equals(origin) && now - heardOnPathNanos > 3 * config.keepAlive().toNanos()) {
        movedFrom = contact; // the moved path went quiet: the first one carried the peer before
        contact = origin;
        heardOnPathNanos = now;
      }
      pump(now);
      if (state == State.OPEN && now - lastSentNanos > config.keepAlive().toNanos()) {
        transmit(
            List.of(
                DialogueFrame.newBuilder().setKeepAlive(KeepAlive.getDefaultInstance()).build()),
            now);
      }
    }
  }

  /**
   * Ends the dialogue now, with or without a Close to the peer (without: it was replaced, so the
   * peer already has the new one).
   */
  void abandon(String reason, boolean tellPeer) {
    lock.lock();
    try {
      finish(reason, tellPeer && state != State.ESTABLISHING);
    } finally {
      lock.unlock();
    }
    flush();
  }

  // ---- the protocol ----

  private void receiveData(Data data) {
    long sequence = data.getSequence();
    ackDue = true;
    if (sequence <= delivered || reorder.containsKey(sequence)) {
      return; // duplicate: acknowledged again, delivered once
    }
    // Taken (and so acknowledged) only if it will have a place in the inbox once in order: what
    // waits for the application plus what waits for a gap stays within config.inbox(). Beyond,
    // the peer gets no acknowledgement and retransmits later.
    if (sequence - delivered + inbox.size() > config.inbox()) {
      return;
    }
    reorder.put(sequence, data.getPayload().toByteArray());
    selectiveToAck.add(sequence);
    while (reorder.containsKey(delivered + 1)) {
      delivered++;
      inbox.add(reorder.remove(delivered));
    }
  }

  private void receiveAck(Ack ack, long now) {
    boolean freed = false;
    for (Map.Entry<Long, Outgoing> entry :
        new ArrayList<>(inFlight.headMap(ack.getCumulative(), true).entrySet())) {
      freed |= acknowledged(entry.getValue(), now);
    }
    for (long sequence : ack.getSelectiveList()) {
      Outgoing outgoing = inFlight.get(sequence);
      if (outgoing != null) {
        freed |= acknowledged(outgoing, now);
      }
    }
    if (freed) {
      windowOpen.signalAll();
    }
    if (state == State.CLOSING && inFlight.isEmpty() && unsent.isEmpty()) {
      finish("closed by this side", true);
    }
  }

  private boolean acknowledged(Outgoing outgoing, long now) {
    inFlight.remove(outgoing.sequence);
    if (outgoing.transmissions == 1) { // Karn: only unambiguous samples
      sampleRtt(now - outgoing.lastSentNanos);
    }
    outgoing.acknowledged.complete(null);
    return true;
  }

  /** RFC 6298: smoothed RTT and its variation give the retransmission timeout. */
  private void sampleRtt(long rtt) {
    if (srttNanos < 0) {
      srttNanos = rtt;
      rttvarNanos = rtt / 2;
    } else {
      rttvarNanos = (3 * rttvarNanos + Math.abs(srttNanos - rtt)) / 4;
      srttNanos = (7 * srttNanos + rtt) / 8;
    }
    rtoNanos = Math.clamp(srttNanos + 4 * rttvarNanos, MIN_RTO_NANOS, MAX_RTO_NANOS);
  }

  private static long backoff(long rto, int transmissions) {
    return Math.min(MAX_RTO_NANOS, rto << Math.min(transmissions - 1, 8));
  }

  /** Sends what is due: acknowledgements, retransmissions, then new data within the window. */
  private void pump(long now) {
    if (state == State.ESTABLISHING || state == State.CLOSED) {
      return;
    }
    List<DialogueFrame> frames = new ArrayList<>();
    if (ackDue) {
      Ack.Builder ack = Ack.newBuilder().setCumulative(delivered);
      for (long sequence : selectiveToAck.tailSet(delivered, false)) {
        if (ack.getSelectiveCount() == MAX_SELECTIVE_ACKS) {
          break;
        }
        ack.addSelective(sequence);
      }
      selectiveToAck.headSet(delivered, true).clear();
      frames.add(DialogueFrame.newBuilder().setAck(ack).build());
      ackDue = false;
    }
    for (Outgoing outgoing : inFlight.values()) {
      if (now - outgoing.lastSentNanos > backoff(rtoNanos, outgoing.transmissions)) {
        if (outgoing.transmissions >= config.maxTransmissions()) {
          finish(
              "the peer acknowledged nothing after " + outgoing.transmissions + " transmissions",
              true);
          return;
        }
        frames.add(data(outgoing, now));
      }
    }
    while (!unsent.isEmpty() && inFlight.size() < config.window()) {
      Outgoing outgoing = unsent.removeFirst();
      inFlight.put(outgoing.sequence, outgoing);
      frames.add(data(outgoing, now));
    }
    if (!frames.isEmpty()) {
      transmit(frames, now);
    }
  }

  private static DialogueFrame data(Outgoing outgoing, long now) {
    outgoing.lastSentNanos = now;
    outgoing.transmissions++;
    return DialogueFrame.newBuilder()
        .setData(
            Data.newBuilder()
                .setSequence(outgoing.sequence)
                .setPayload(ByteString.copyFrom(outgoing.payload)))
        .build();
  }

  private void transmit(List<DialogueFrame> frames, long now) {
    lastSentNanos = now;
    outbox.addAll(frames);
  }

  /** Sends what the locked part queued; called without the lock. */
  private void flush() {
    List<DialogueFrame> frames;
    lock.lock();
    try {
      if (outbox.isEmpty()) {
        return;
      }
      frames = outbox;
      outbox = new ArrayList<>();
    } finally {
      lock.unlock();
    }
    sink.send(this, frames);
  }

  private void finish(String reason, boolean tellPeer) {
    if (state == State.CLOSED && closeReason != null) {
      return;
    }
    if (tellPeer) {
      transmit(
          List.of(
              DialogueFrame.newBuilder().setClose(Close.newBuilder().setReason(reason)).build()),
          System.nanoTime());
    }
    state = State.CLOSED;
    closeReason = reason;
    DialogueClosedException closed = new DialogueClosedException(peer, reason);
    established.completeExceptionally(closed);
    for (Outgoing outgoing : inFlight.values()) {
      outgoing.acknowledged.completeExceptionally(closed);
    }
    for (Outgoing outgoing : unsent) {
      outgoing.acknowledged.completeExceptionally(closed);
    }
    inFlight.clear();
    unsent.clear();
    windowOpen.signalAll();
    inbox.add(END);
  }

  /** Keep-alives heard from the peer: lets tests wait on them instead of on the clock. */
  long keepAlivesReceived() {
    lock.lock();
    try {
      return keepAlivesReceived;
    } finally {
      lock.unlock();
    }
  }

  public String closeReason() {
    lock.lock();
    try {
      return closeReason;
    } finally {
      lock.unlock();
    }
  }

  private void deliverLoop() {
    try {
      while (true) {
        Object next = inbox.take();
        if (next == END) {
          handler.onClosed(this, closeReason());
          return;
        }
        try {
          handler.onMessage(this, (byte[]) next);
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(Dialogue.class)
              .warn("handler of dialogue with {} failed: {}", peer, e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
