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
 * of a session replaces the older one in its place), so what waits is bounded by the sessions.
 */
final class SessionNotices {
  private final Dialogue dialogue;
  private final Map<String, Exchange.Builder> pending = new LinkedHashMap<>();
  private Thread sender;
  private boolean closed;

  SessionNotices(Dialogue dialogue) {
    this.dialogue = dialogue;
  }

  Dialogue dialogue() {
    return dialogue;
  }

  /** Queues a notice, replacing one not yet sent under the same key; never blocks. */
  synchronized void post(String key, Exchange.Builder notice) {
    if (closed) {
      return;
    }
    pending.put(key, notice);
    if (sender == null) {
      sender = Thread.ofVirtual().name("session-notices").start(this::drain);
    }
  }

  private void drain() {
    while (true) {
      Exchange.Builder next;
      synchronized (this) {
        Iterator<Exchange.Builder> it = pending.values().iterator();
        if (!it.hasNext() || Thread.currentThread().isInterrupted()) {
          sender = null;
          notifyAll();
          return;
        }
        next = it.next();
        it.remove();
      }
      CompletableFuture<Void> sent = Conversation.notice(dialogue, next);
      if (Thread.currentThread().isInterrupted()) {
        synchronized (this) {
          pending.clear();
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
      pending.clear();
    }
    if (running != null) {
      running.interrupt(); // blocked on a full window of a silent peer
    }
  }
}
