package network.mysterium.session;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.dialogue.Dialogue;

/**
 * What the provider tells one dialogue's consumer (metering, advice, session ends), sent by a
 * thread of its own so that a consumer that stops acknowledging stalls only its own notices, never
 * the metering of others or a shutdown. Pending notices are coalesced by key (the newest metering
 * of a session replaces the older one in its place), so what waits is bounded by the sessions. Each
 * post returns when its notice (or the one that replaced it) was acknowledged, for the few callers
 * that must wait for that (a clearing waits for the consumer to have heard the notice).
 */
final class SessionNotices {
  private final Dialogue dialogue;

  private record Pending(Exchange.Builder notice, CompletableFuture<Void> acknowledged) {}

  private static IllegalStateException dropped() {
    return new IllegalStateException("the notice was dropped: the dialogue's notices are closed");
  }

  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private Thread sender;
  private boolean closed;

  SessionNotices(Dialogue dialogue) {
    this.dialogue = dialogue;
  }

  Dialogue dialogue() {
    return dialogue;
  }

  /**
   * Queues a notice, replacing one not yet sent under the same key; never blocks. The future
   * completes when the peer acknowledged it, or fails when it was not delivered.
   */
  synchronized CompletableFuture<Void> post(String key, Exchange.Builder notice) {
    if (closed) {
      return CompletableFuture.failedFuture(dropped());
    }
    CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    Pending replaced = pending.put(key, new Pending(notice, acknowledged));
    if (replaced != null) {
      // the newer notice says what the older one said, and more
      acknowledged.whenComplete(
          (v, e) -> {
            if (e == null) {
              replaced.acknowledged().complete(null);
            } else {
              replaced.acknowledged().completeExceptionally(e);
            }
          });
    }
    if (sender == null) {
      sender = Thread.ofVirtual().name("session-notices").start(this::drain);
    }
    return acknowledged;
  }

  private void dropPending() {
    for (Pending p : pending.values()) {
      p.acknowledged().completeExceptionally(dropped());
    }
    pending.clear();
  }

  private void drain() {
    while (true) {
      Pending next;
      synchronized (this) {
        Iterator<Pending> it = pending.values().iterator();
        if (!it.hasNext() || Thread.currentThread().isInterrupted()) {
          sender = null;
          notifyAll();
          return;
        }
        next = it.next();
        it.remove();
      }
      CompletableFuture<Void> sent = Conversation.notice(dialogue, next.notice());
      sent.whenComplete(
          (v, e) -> {
            if (e == null) {
              next.acknowledged().complete(null);
            } else {
              next.acknowledged().completeExceptionally(e);
            }
          });
      if (Thread.currentThread().isInterrupted()) {
        synchronized (this) {
          dropPending();
          sender = null;
          notifyAll();
        }
        return;
      }
      sent.exceptionally(e -> null); // an unacknowledged notice is the dialogue's matter
    }
  }

  /**
   * Stops taking notices; waits until those pending went out (into the dialogue's window) or the
   * deadline passed, then gives up on the rest.
   */
  void close(long deadlineNanos) {
    Thread running;
    synchronized (this) {
      closed = true;
      while (sender != null && System.nanoTime() < deadlineNanos) {
        try {
          TimeUnit.NANOSECONDS.timedWait(this, deadlineNanos - System.nanoTime());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      running = sender;
      dropPending();
    }
    if (running != null) {
      running.interrupt(); // blocked on a full window of a silent peer
    }
  }
}
