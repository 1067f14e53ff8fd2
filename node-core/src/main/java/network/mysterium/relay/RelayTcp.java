package network.mysterium.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import network.mysterium.service.TokenBucket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP half of a relay: a stream service of a node behind a NAT (its SOCKS5 exit) is reached at
 * a TCP port of the node's allocation, by a splice. A connection that comes there waits while the
 * relay tells the node a one-time token (a DIAL frame over UDP, through the mapping the node's
 * keepalives hold open); the node connects out to the relay's dial-back port (any NAT lets that
 * out) and sends the token first; the relay then copies bytes both ways until either side ends. It
 * sees only what the service's own TLS carries.
 *
 * <p>Bounded: dials waiting and connections held per allocation, splices in all, dial-backs not yet
 * identified; a dial waits {@link Limits#dialExpiry()}, a dial-back names its token within {@link
 * Limits#dialBackTimeout()}; a splice is virtual threads with a buffer each, paced by the
 * allocation's rate, so a slow side holds up only its own splice, never the relay's UDP loop.
 */
public final class RelayTcp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RelayTcp.class);

  /**
   * What the relay gives TCP splices: dials waiting for their node and connections held (waiting or
   * spliced) per allocation, connections held in all, dial-backs not yet named their token; how
   * long a dial waits, how long a dial-back has to name its token, how long the other way may
   * finish once one side ended, and each direction's buffer.
   */
  public record Limits(
      int dialsPerAllocation,
      int connectionsPerAllocation,
      int splices,
      int dialBacksWaiting,
      Duration dialExpiry,
      Duration dialBackTimeout,
      Duration halfClosedLinger,
      int bufferBytes) {
    public static final Limits DEFAULT =
        new Limits(
            32,
            256, // a browser opens dozens at once, and a provider serves several consumers
            4096,
            256,
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            16 * 1024);
  }

  /** Tells a node to dial back (the relay's UDP loop sends the DIAL frame). */
  @FunctionalInterface
  interface Dialer {
    void dial(byte[] dialToken);
  }

  private final ServerSocket dialBack;
  private final Limits limits;
  private final RelayRefusals refusals;
  private final SecureRandom random = new SecureRandom();
  private final Map<ByteBuffer, Pending> pending = new ConcurrentHashMap<>();
  private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
  private final Semaphore splices;
  private final Semaphore dialBacksWaiting;

  /** A dial the relay sent and waits for: the connection the node dials back completes it. */
  private record Pending(Listener listener, CompletableFuture<Socket> answer) {}

  private RelayTcp(ServerSocket dialBack, Limits limits, RelayRefusals refusals) {
    this.dialBack = dialBack;
    this.limits = limits;
    this.refusals = refusals;
    this.splices = new Semaphore(limits.splices());
    this.dialBacksWaiting = new Semaphore(limits.dialBacksWaiting());
  }

  /** Listens for dial-backs at {@code bind} (its port if free, else any). */
  static RelayTcp open(InetSocketAddress bind, Limits limits, RelayRefusals refusals)
      throws IOException {
    RelayTcp tcp = new RelayTcp(listen(bind.getAddress(), bind.getPort()), limits, refusals);
    Thread.ofVirtual().name("relay-dial-back").start(tcp::dialBackLoop);
    return tcp;
  }

  /** A TCP listener on {@code port} at {@code address} if it is free, else on any port. */
  private static ServerSocket listen(InetAddress address, int port) throws IOException {
    ServerSocket server = new ServerSocket();
    try {
      server.bind(new InetSocketAddress(address, port), 128);
    } catch (IOException taken) {
      server.close();
      server = new ServerSocket();
      try {
        server.bind(new InetSocketAddress(address, 0), 128);
      } catch (IOException e) {
        server.close();
        throw e;
      }
    }
    return server;
  }

  /** Where nodes dial back (on the relay's address). */
  int dialBackPort() {
    return dialBack.getLocalPort();
  }

  /** Splices under way or waiting for their dial-back, in all. */
  int splicesHeld() {
    return limits.splices() - splices.availablePermits();
  }

  /**
   * An allocation's TCP port: {@code port} at {@code address} if free, else any; its splices paced
   * at {@code bytesPerSecond} each way.
   */
  Listener listen(InetAddress address, int port, long bytesPerSecond, Dialer dialer)
      throws IOException {
    Listener listener = new Listener(listen(address, port), bytesPerSecond, dialer);
    listeners.add(listener);
    Thread.ofVirtual().name("relay-tcp-" + listener.port()).start(listener::acceptLoop);
    return listener;
  }

  /** The relay could not tell the node: the connection waiting for that dial goes. */
  void cancel(byte[] dialToken) {
    Pending dial = pending.remove(ByteBuffer.wrap(dialToken));
    if (dial != null) {
      dial.answer().completeExceptionally(new IOException("the node was not told to dial"));
    }
  }

  private void dialBackLoop() {
    while (!dialBack.isClosed()) {
      Socket node;
      try {
        node = dialBack.accept();
      } catch (IOException e) {
        pauseAfter(e, dialBack);
        continue;
      }
      if (!dialBacksWaiting.tryAcquire()) {
        refusals.refuse(RelayRefusal.BUSY, node.getRemoteSocketAddress());
        closeQuietly(node);
        continue;
      }
      Thread.ofVirtual().name("relay-dial-back").start(() -> identify(node));
    }
  }

  /** A dial-back's first bytes name the dial it answers; anything else is refused. */
  private void identify(Socket node) {
    byte[] token;
    try {
      token = readToken(node);
    } catch (SocketTimeoutException e) {
      refusals.refuse(RelayRefusal.DIAL_TIMEOUT, node.getRemoteSocketAddress());
      closeQuietly(node);
      return;
    } catch (IOException e) {
      refusals.refuse(RelayRefusal.MALFORMED, node.getRemoteSocketAddress());
      closeQuietly(node);
      return;
    } finally {
      dialBacksWaiting.release();
    }
    // one time: whoever takes the entry first has it; an expired dial is no longer there
    Pending dial = pending.remove(ByteBuffer.wrap(token));
    if (dial == null) {
      refusals.refuse(RelayRefusal.UNKNOWN_DIAL, node.getRemoteSocketAddress());
      closeQuietly(node);
    } else if (!dial.answer().complete(node)) {
      closeQuietly(node); // the waiting connection gave up a moment before
    }
  }

  /** The token, within the timeout in all (a sender of a byte at a time gets no longer). */
  private byte[] readToken(Socket node) throws IOException {
    long deadline = System.nanoTime() + limits.dialBackTimeout().toNanos();
    byte[] token = new byte[RelayFrames.TOKEN_BYTES];
    InputStream in = node.getInputStream();
    for (int got = 0; got < token.length; ) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new SocketTimeoutException("no token in time");
      }
      node.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
      int n = in.read(token, got, token.length - got);
      if (n < 0) {
        throw new IOException("the dial-back ended before its token");
      }
      got += n;
    }
    node.setSoTimeout(0);
    return token;
  }

  private static void pauseAfter(IOException e, ServerSocket server) {
    if (server.isClosed()) {
      return;
    }
    LOG.debug("accepting a relay connection failed: {}", e.toString());
    try {
      Thread.sleep(10); // e.g. out of file descriptors: no busy loop while it lasts
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // gone
    }
  }

  @Override
  public void close() {
    closeQuietly(dialBack);
    for (Listener l : listeners) {
      l.close();
    }
  }

  /** One allocation's TCP port and the connections that came to it. */
  final class Listener implements AutoCloseable {
    private final ServerSocket server;
    private final Dialer dialer;

    /** Each way its own bucket, as for the allocation's datagrams. */
    private final TokenBucket toNode;

    private final TokenBucket fromNode;
    private final AtomicInteger dials = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private Listener(ServerSocket server, long bytesPerSecond, Dialer dialer) {
      this.server = server;
      this.dialer = dialer;
      long burst = Math.max(65_536, bytesPerSecond / 4);
      this.toNode = new TokenBucket(bytesPerSecond, burst, System::nanoTime);
      this.fromNode = new TokenBucket(bytesPerSecond, burst, System::nanoTime);
    }

    int port() {
      return server.getLocalPort();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        Socket consumer;
        try {
          consumer = server.accept();
        } catch (IOException e) {
          pauseAfter(e, server);
          continue;
        }
        if (held.incrementAndGet() > limits.connectionsPerAllocation()) {
          held.decrementAndGet();
          refuse(RelayRefusal.SPLICES_FULL, consumer);
          continue;
        }
        if (!splices.tryAcquire()) {
          held.decrementAndGet();
          refuse(RelayRefusal.SPLICES_FULL, consumer);
          continue;
        }
        if (dials.incrementAndGet() > limits.dialsPerAllocation()) {
          dials.decrementAndGet();
          held.decrementAndGet();
          splices.release();
          refuse(RelayRefusal.DIALS_PENDING, consumer);
          continue;
        }
        open.add(consumer);
        Thread.ofVirtual().name("relay-splice").start(() -> serve(consumer));
      }
    }

    private void refuse(RelayRefusal reason, Socket consumer) {
      refusals.refuse(reason, consumer.getRemoteSocketAddress());
      closeQuietly(consumer);
    }

    /** Holds a slot of the allocation's and one of the relay's from accept to close. */
    private void serve(Socket consumer) {
      Socket node = null;
      try {
        node = awaitDialBack(consumer);
        if (node != null) {
          open.add(node);
          if (!closed) {
            splice(consumer, node);
          }
        }
      } finally {
        closeQuietly(consumer);
        open.remove(consumer);
        if (node != null) {
          closeQuietly(node);
          open.remove(node);
        }
        held.decrementAndGet();
        splices.release();
      }
    }

    /** The node's connection for this one, or null when none came in time. */
    private Socket awaitDialBack(Socket consumer) {
      byte[] token = new byte[RelayFrames.TOKEN_BYTES];
      random.nextBytes(token);
      ByteBuffer key = ByteBuffer.wrap(token);
      Pending dial = new Pending(this, new CompletableFuture<>());
      pending.put(key, dial);
      try {
        if (closed) {
          return null;
        }
        // a DIAL is a datagram: sent again half-way to the expiry in case it was lost (the node
        // dials a token once, however often it is told)
        long half = limits.dialExpiry().toMillis() / 2;
        dialer.dial(token);
        try {
          return dial.answer().get(half, TimeUnit.MILLISECONDS);
        } catch (TimeoutException notYet) {
          dialer.dial(token);
        }
        return dial.answer().get(limits.dialExpiry().toMillis() - half, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // the future decides between a late dial-back and the expiry: whichever is first
        if (dial.answer().completeExceptionally(e)) {
          refusals.refuse(RelayRefusal.DIAL_TIMEOUT, consumer.getRemoteSocketAddress());
          return null;
        }
        return dial.answer().getNow(null);
      } catch (ExecutionException e) {
        LOG.debug("a dial ended: {}", e.getCause().toString());
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } finally {
        pending.remove(key, dial);
        dials.decrementAndGet();
      }
    }

    /**
     * Bytes both ways. When one side ends, the end is passed on and the other way has a while to
     * finish (a TLS close answered); an error on either ends both at once.
     */
    private void splice(Socket consumer, Socket node) {
      CountDownLatch first = new CountDownLatch(1);
      CountDownLatch both = new CountDownLatch(2);
      Runnable ended =
          () -> {
            first.countDown();
            both.countDown();
          };
      Thread up =
          Thread.ofVirtual()
              .name("relay-splice-up")
              .start(() -> copy(consumer, node, toNode, ended));
      Thread down =
          Thread.ofVirtual()
              .name("relay-splice-down")
              .start(() -> copy(node, consumer, fromNode, ended));
      try {
        first.await();
        if (!both.await(limits.halfClosedLinger().toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.debug("a half-closed splice did not finish in time: closed");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(consumer);
      closeQuietly(node);
      try {
        up.join();
        down.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void copy(Socket from, Socket to, TokenBucket rate, Runnable ended) {
      byte[] buffer = new byte[limits.bufferBytes()];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          rate.take(n);
          out.write(buffer, 0, n);
        }
        to.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(from);
        closeQuietly(to);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeQuietly(from);
        closeQuietly(to);
      } finally {
        ended.run();
      }
    }

    /** With the allocation: its port, the dials it waits for, and its splices. */
    @Override
    public void close() {
      closed = true;
      listeners.remove(this);
      closeQuietly(server);
      for (Map.Entry<ByteBuffer, Pending> e : pending.entrySet()) {
        if (e.getValue().listener() == this && pending.remove(e.getKey(), e.getValue())) {
          e.getValue().answer().completeExceptionally(new IOException("the allocation closed"));
        }
      }
      for (Socket s : open) {
        closeQuietly(s);
      }
    }
  }
}
