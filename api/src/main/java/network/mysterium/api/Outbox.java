package network.mysterium.api;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bounded queue to one slow reader, drained by a thread of its own: {@link #offer} never waits.
 * When the queue is full the outbox closes (the reader fell too far behind; losing events silently
 * would show it a wrong state). {@code onEnd} runs once however it ends: overflow, a failed send,
 * or {@link #close}.
 */
final class Outbox<T> {
  /** Where items go; both calls may block (a slow client), never the offering thread. */
  interface Sink<T> {
    void send(T item) throws Exception;

    /** Nothing to send for a heartbeat: a write that finds a reader gone. */
    void idle() throws Exception;
  }

  /** Why an outbox ended. */
  enum End {
    CLOSED,
    OVERFLOW,
    SEND_FAILED
  }

  private final BlockingQueue<T> queue;
  private final Duration heartbeat;
  private final Sink<T> sink;
  private final java.util.function.Consumer<End> onEnd;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Thread writer;

  Outbox(int capacity, Duration heartbeat, Sink<T> sink, java.util.function.Consumer<End> onEnd) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.heartbeat = heartbeat;
    this.sink = sink;
    this.onEnd = onEnd;
  }

  void start(String name) {
    writer = Thread.ofVirtual().name(name).start(this::drain);
  }

  /** Queues an item; false when the outbox has ended (now, because it was full, or before). */
  boolean offer(T item) {
    if (ended.get()) {
      return false;
    }
    if (queue.offer(item)) {
      return true;
    }
    end(End.OVERFLOW);
    return false;
  }

  void close() {
    end(End.CLOSED);
  }

  boolean ended() {
    return ended.get();
  }

  private void drain() {
    try {
      while (!ended.get()) {
        T item = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        if (ended.get()) {
          return;
        }
        if (item == null) {
          sink.idle();
        } else {
          sink.send(item);
        }
      }
    } catch (InterruptedException e) {
      // ended by another thread
    } catch (Exception e) {
      end(End.SEND_FAILED);
    }
  }

  private void end(End why) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    queue.clear();
    Thread w = writer;
    if (w != null && w != Thread.currentThread()) {
      w.interrupt();
    }
    onEnd.accept(why);
  }
}
