package network.mysterium.dialogue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.Address;
import network.mysterium.messaging.DatagramIntake;
import network.mysterium.messaging.Message;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.RejectedDatagramException;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.messaging.proto.DialogueFrame;
import network.mysterium.messaging.proto.DialogueFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's dialogues: exactly one per peer identity (a new establishment, from either side,
 * replaces the old one), carried as sealed envelopes of type {@code dialogue} over a channel.
 */
public final class Dialogues implements AutoCloseable {
  /** Decides what handles a dialogue a peer opens with us. */
  @FunctionalInterface
  public interface Acceptor {
    Dialogue.Handler accept(Address peer);
  }

  static final String TYPE = "dialogue";
  private static final Logger LOG = LoggerFactory.getLogger(Dialogues.class);
  private static final long TICK_MILLIS = 10;

  private final Messenger messenger;
  private final Channel channel;
  private final DialogueConfig config;
  private final Acceptor acceptor;
  private final SecureRandom random = new SecureRandom();
  private final Map<Address, Dialogue> byPeer = new ConcurrentHashMap<>();
  private final DatagramIntake.Limits limits;
  private DatagramIntake intake;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("dialogue-timers").daemon().factory());

  public Dialogues(Messenger messenger, Channel channel, DialogueConfig config, Acceptor acceptor) {
    this(messenger, channel, config, acceptor, DatagramIntake.Limits.DEFAULT);
  }

  /**
   * @param limits how much unauthenticated work the receive path takes on (per source, queued)
   */
  public Dialogues(
      Messenger messenger,
      Channel channel,
      DialogueConfig config,
      Acceptor acceptor,
      DatagramIntake.Limits limits) {
    this.messenger = messenger;
    this.channel = channel;
    this.config = config;
    this.acceptor = acceptor;
    this.limits = limits;
  }

  /** Starts receiving and the timers. */
  public synchronized Dialogues start() {
    intake = new DatagramIntake(messenger, this::receive, limits);
    channel.start(intake);
    timers.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  public Address address() {
    return messenger.address();
  }

  public Contact contact() {
    return channel.localContact();
  }

  /** Datagrams refused before any dialogue saw them, by reason (floods, replays, strangers). */
  public network.mysterium.messaging.RejectionCounters rejections() {
    return messenger.rejections();
  }

  /** The largest message a dialogue carries. */
  public static int maxMessageBytes() {
    return Messenger.maxPayloadBytes() - 64;
  }

  /** Opens a dialogue with a peer, replacing any current one; completes when it is acknowledged. */
  public CompletableFuture<Dialogue> open(Address peer, Contact contact, Dialogue.Handler handler) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    Dialogue dialogue = new Dialogue(peer, contact, id, true, config, this::send, handler);
    replace(peer, dialogue, "replaced by a new dialogue from this side");
    dialogue.sendEstablish(System.nanoTime());
    return dialogue.established();
  }

  /**
   * A path to the peer that a punch found: its dialogue sends there from now on (falling back to
   * its origin if the path goes quiet). Only the channel's confirmed paths come here, bound to the
   * identity that authenticated on the relayed path.
   */
  public void movePath(Address peer, Contact path) {
    dialogueWith(peer).ifPresent(d -> d.movePath(path));
  }

  public Optional<Dialogue> dialogueWith(Address peer) {
    return Optional.ofNullable(byPeer.get(peer)).filter(d -> d.state() != Dialogue.State.CLOSED);
  }

  private void replace(Address peer, Dialogue next, String reason) {
    Dialogue previous = byPeer.put(peer, next);
    if (previous != null && previous != next) {
      previous.abandon(reason, false);
    }
  }

  /** On the intake's worker thread: the expensive part of receiving. */
  private void receive(byte[] datagram, Contact from) {
    Message message;
    try {
      message = messenger.open(datagram);
    } catch (RejectedDatagramException e) {
      LOG.debug("refused a datagram from {}: {}", from, e.getMessage());
      return;
    }
    channel.authenticated(from, message.sender());
    if (!message.type().equals(TYPE)) {
      return;
    }
    DialogueFrames frames;
    try {
      frames = DialogueFrames.parseFrom(message.payload());
    } catch (InvalidProtocolBufferException e) {
      LOG.debug("undecodable dialogue frames from {}", message.sender());
      return;
    }
    byte[] id = frames.getDialogueId().toByteArray();
    long now = System.nanoTime();
    Address peer = message.sender();
    Dialogue current = byPeer.get(peer);
    boolean establish =
        frames.getFramesList().stream()
            .anyMatch(f -> f.getKindCase() == DialogueFrame.KindCase.ESTABLISH);
    if (establish) {
      if (current == null || !current.hasId(id)) {
        Dialogue accepted =
            new Dialogue(peer, from, id, false, config, this::send, acceptor.accept(peer));
        replace(peer, accepted, "replaced by a new dialogue from the peer");
        LOG.info("dialogue with {} accepted from {}", peer, from);
        current = accepted;
      }
      current.acknowledgeEstablish(now);
    }
    if (current != null && current.hasId(id)) {
      current.receive(frames.getFramesList(), from, now);
    }
  }

  /** Seals frames into as few datagrams as fit, and sends them. */
  private void send(Dialogue dialogue, List<DialogueFrame> frames) {
    ByteString id = ByteString.copyFrom(dialogue.id());
    int limit = Messenger.maxPayloadBytes();
    List<DialogueFrame> batch = new ArrayList<>();
    int size = id.size() + 4;
    for (DialogueFrame frame : frames) {
      int frameSize = frame.getSerializedSize() + 4;
      if (!batch.isEmpty() && size + frameSize > limit) {
        sendBatch(dialogue, id, batch);
        batch = new ArrayList<>();
        size = id.size() + 4;
      }
      batch.add(frame);
      size += frameSize;
    }
    if (!batch.isEmpty()) {
      sendBatch(dialogue, id, batch);
    }
  }

  private void sendBatch(Dialogue dialogue, ByteString id, List<DialogueFrame> batch) {
    byte[] payload =
        DialogueFrames.newBuilder().setDialogueId(id).addAllFrames(batch).build().toByteArray();
    try {
      channel.send(dialogue.contact(), messenger.seal(dialogue.peer(), TYPE, payload));
    } catch (IOException | IllegalArgumentException e) {
      LOG.debug("sending to {} failed: {}", dialogue.peer(), e.toString());
    }
  }

  private void tick() {
    long now = System.nanoTime();
    for (Dialogue dialogue : byPeer.values()) {
      try {
        dialogue.tick(now);
      } catch (RuntimeException e) {
        LOG.warn("dialogue with {}: {}", dialogue.peer(), e.toString());
      }
    }
    byPeer.values().removeIf(d -> d.state() == Dialogue.State.CLOSED);
  }

  /** Closes every dialogue and the channel. */
  @Override
  public void close() {
    timers.shutdownNow();
    for (Dialogue dialogue : byPeer.values()) {
      dialogue.abandon("the node stopped", true);
    }
    byPeer.clear();
    channel.close();
    synchronized (this) {
      if (intake != null) {
        intake.close();
      }
    }
    messenger.stop(); // after the intake: nothing is accepted once the floor is written
  }
}
