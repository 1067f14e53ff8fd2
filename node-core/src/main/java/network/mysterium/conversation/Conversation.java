package network.mysterium.conversation;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.conversation.proto.Refusal;
import network.mysterium.dialogue.Dialogue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's side of one dialogue: requests with their answers matched by correlation id,
 * and notices, each dispatched by kind to the {@link Services} this node offers. A request of a
 * kind nobody serves is refused with a reason, a malformed message is dropped and counted, and
 * pending requests fail when the dialogue closes.
 */
public final class Conversation implements Dialogue.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(Conversation.class);

  /** Answers one kind of request (or handles one kind of notice, returning null). */
  @FunctionalInterface
  public interface Service {
    /**
     * @return the response body (its correlation fields are filled in), or null for a notice
     * @throws RefusedException to refuse with a reason the peer sees
     */
    Exchange.Builder handle(Dialogue dialogue, Exchange message) throws RefusedException;
  }

  /** What this node serves over its dialogues, by message kind: fixed once built. */
  public record Services(Map<Exchange.BodyCase, Service> byKind) {
    public Services {
      byKind = Map.copyOf(byKind);
    }

    public static Services none() {
      return new Services(Map.of());
    }

    public Services with(Exchange.BodyCase kind, Service service) {
      Map<Exchange.BodyCase, Service> more = new java.util.HashMap<>(byKind);
      more.put(kind, service);
      return new Services(more);
    }
  }

  /** A request the peer refused, or could not be asked. */
  public static final class RefusedException extends Exception {
    private final transient Refusal refusal;

    public RefusedException(String reason) {
      this(Refusal.newBuilder().setReason(reason).build());
    }

    /** A refusal with a code the peer's program acts on; the reason is for people. */
    public RefusedException(String code, String reason) {
      this(Refusal.newBuilder().setCode(code).setReason(code + ": " + reason).build());
    }

    /** A refusal with typed detail (a code, a refused payment) beside its reason in words. */
    public RefusedException(Refusal refusal) {
      super(refusal.getReason());
      this.refusal = refusal;
    }

    /** A refusal with a code whose message already says it (e.g. "CODE: detail"). */
    public static RefusedException withCode(String code, String message) {
      return new RefusedException(Refusal.newBuilder().setCode(code).setReason(message).build());
    }

    /** The refusal as sent: its typed detail is what code acts on, never the words. */
    public Refusal refusal() {
      return refusal;
    }

    /** The refusal code, or empty when the refusal has none. */
    public String code() {
      return refusal.getCode();
    }
  }

  private final Services services;
  private final Map<Long, CompletableFuture<Exchange>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextCorrelation = new AtomicLong(1);
  private final AtomicLong malformed = new AtomicLong();
  private volatile Dialogue dialogue;
  private volatile String closedReason;

  private final java.util.function.BiConsumer<Dialogue, String> whenClosed;

  public Conversation(Services services) {
    this(services, (dialogue, reason) -> {});
  }

  /** A conversation that also tells when its dialogue closes, and why. */
  public Conversation(
      Services services, java.util.function.BiConsumer<Dialogue, String> whenClosed) {
    this.services = services;
    this.whenClosed = whenClosed;
  }

  /** Binds the dialogue this conversation runs on (the one it handles). */
  public Conversation on(Dialogue dialogue) {
    this.dialogue = dialogue;
    closedReason = null; // an attempt before it (another contact) may have closed
    return this;
  }

  /**
   * Asks the peer; completes with its response, or exceptionally with {@link RefusedException}
   * (refused, closed, or no answer within the timeout).
   */
  public CompletableFuture<Exchange> request(Exchange.Builder body, Duration timeout) {
    long id = nextCorrelation.getAndIncrement();
    CompletableFuture<Exchange> answer = new CompletableFuture<>();
    pending.put(id, answer);
    answer.whenComplete((r, e) -> pending.remove(id));
    if (closedReason != null) {
      answer.completeExceptionally(new RefusedException("dialogue closed: " + closedReason));
      return answer;
    }
    try {
      dialogue.send(body.setCorrelationId(id).setResponse(false).build().toByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer.completeExceptionally(new RefusedException("interrupted"));
    } catch (RuntimeException e) {
      answer.completeExceptionally(new RefusedException(e.getMessage()));
    }
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () ->
                answer.completeExceptionally(
                    new RefusedException("no answer within " + timeout.toMillis() + " ms")));
    return answer.thenCompose(
        response ->
            response.hasRefusal()
                ? CompletableFuture.failedFuture(new RefusedException(response.getRefusal()))
                : CompletableFuture.completedFuture(response));
  }

  /** Tells the peer something that needs no answer (delivery is still acknowledged). */
  public CompletableFuture<Void> notify(Exchange.Builder body) throws InterruptedException {
    return dialogue.send(body.setCorrelationId(0).setResponse(false).build().toByteArray());
  }

  /** Tells the peer something, not waiting and not failing if the dialogue is gone. */
  public void notifyQuietly(Exchange.Builder body) {
    if (dialogue != null) {
      notice(dialogue, body);
    }
  }

  /** Sends a notice on a dialogue from within a service (which has the dialogue, not this). */
  public static CompletableFuture<Void> notice(Dialogue dialogue, Exchange.Builder body) {
    try {
      return dialogue.send(body.setCorrelationId(0).setResponse(false).build().toByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Messages from the peer that were not a valid exchange. */
  public long malformedCount() {
    return malformed.get();
  }

  @Override
  public void onMessage(Dialogue from, byte[] payload) {
    Exchange message;
    try {
      message = Exchange.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      malformed.incrementAndGet();
      LOG.debug("dropped a malformed message from {}", from.peer());
      return;
    }
    if (message.getResponse()) {
      CompletableFuture<Exchange> waiting = pending.get(message.getCorrelationId());
      if (waiting != null) {
        waiting.complete(message);
      }
      return;
    }
    Service service = services.byKind().get(message.getBodyCase());
    Exchange.Builder response;
    if (service == null) {
      response = refusal("unsupported request: " + message.getBodyCase());
    } else {
      try {
        response = service.handle(from, message);
      } catch (RefusedException e) {
        response = Exchange.newBuilder().setRefusal(e.refusal());
      } catch (IllegalArgumentException e) {
        response = refusal("malformed " + message.getBodyCase() + ": " + e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("serving {} to {} failed", message.getBodyCase(), from.peer(), e);
        response = refusal("internal error");
      }
    }
    if (response != null && message.getCorrelationId() != 0) {
      try {
        from.send(
            response
                .setCorrelationId(message.getCorrelationId())
                .setResponse(true)
                .build()
                .toByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.debug("could not answer {}: {}", from.peer(), e.getMessage());
      }
    }
  }

  @Override
  public void onClosed(Dialogue from, String reason) {
    Dialogue bound = dialogue;
    if (bound != null && from != bound) {
      return; // an earlier attempt, replaced: this conversation runs on another dialogue
    }
    closedReason = reason;
    for (CompletableFuture<Exchange> waiting : pending.values()) {
      waiting.completeExceptionally(new RefusedException("dialogue closed: " + reason));
    }
    whenClosed.accept(from, reason);
  }

  private static Exchange.Builder refusal(String reason) {
    return Exchange.newBuilder().setRefusal(Refusal.newBuilder().setReason(reason));
  }
}
