package network.mysterium.messaging;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Datagrams waiting to be opened, served one source address at a time in turn: a source that keeps
 * its queue full (a flood of datagrams that pass the screen, each worth an ECDH) waits for every
 * other source between two of its own, so a peer's next datagram is opened after at most one of the
 * flooder's, not after the flooder's whole backlog. Bounded in all and per source.
 */
final class FairQueue<T> {
  private final int capacity;
  private final int perSource;
  private final Map<InetAddress, ArrayDeque<T>> bySource = new HashMap<>();
  private final ArrayDeque<InetAddress> turns = new ArrayDeque<>();
  private int size;

  FairQueue(int capacity, int perSource) {
    this.capacity = capacity;
    this.perSource = perSource;
  }

  /** Queues an item; false when the queue or the source's share of it is full. Never waits. */
  synchronized boolean offer(InetAddress source, T item) {
    if (size >= capacity) {
      return false;
    }
    ArrayDeque<T> waiting = bySource.get(source);
    if (waiting == null) {
      waiting = new ArrayDeque<>();
      bySource.put(source, waiting);
      turns.addLast(source);
    } else if (waiting.size() >= perSource) {
      return false;
    }
    waiting.addLast(item);
    size++;
    notifyAll();
    return true;
  }

  /** The next source's oldest item, waiting for one. */
  synchronized T take() throws InterruptedException {
    while (size == 0) {
      wait();
    }
    InetAddress source = turns.pollFirst();
    ArrayDeque<T> waiting = bySource.get(source);
    T item = waiting.pollFirst();
    size--;
    if (waiting.isEmpty()) {
      bySource.remove(source);
    } else {
      turns.addLast(source);
    }
    return item;
  }

  synchronized int size() {
    return size;
  }

  synchronized void clear() {
    bySource.clear();
    turns.clear();
    size = 0;
  }
}
