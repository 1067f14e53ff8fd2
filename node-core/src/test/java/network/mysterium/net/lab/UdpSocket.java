package network.mysterium.net.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A UDP socket in a host's namespace, driven from the test: a small python3 process that sends what
 * it is told on standard input and reports each datagram it receives on standard output. Payloads
 * are single-line text.
 */
public final class UdpSocket implements AutoCloseable {
  /**
   * Reports "bound PORT", then "from HOST:PORT PAYLOAD" per datagram and "sent"/"error" per send.
   */
  private static final String AGENT =
      """
      import socket, sys, threading
      lock = threading.Lock()
      def say(line):
          with lock:
              sys.stdout.write(line + "\\n"); sys.stdout.flush()
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.bind(("0.0.0.0", int(sys.argv[1])))
      say("bound %d" % s.getsockname()[1])
      def receive():
          while True:
              data, (host, port) = s.recvfrom(2048)
              say("from %s:%d %s" % (host, port, data.decode(errors="replace")))
      threading.Thread(target=receive, daemon=True).start()
      for line in sys.stdin:
          to, payload = line.rstrip("\\n").split(" ", 1)
          host, port = to.rsplit(":", 1)
          try:
              s.sendto(payload.encode(), (host, int(port)))
              say("sent")
          except OSError as e:
              say("error " + str(e))
      """;

  /** Answers each datagram with the source address:port it came from. */
  private static final String RESPONDER =
      """
      import socket, sys
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.bind((sys.argv[1], int(sys.argv[2])))
      print("ready", flush=True)
      while True:
          data, (host, port) = s.recvfrom(2048)
          s.sendto(("%s:%d" % (host, port)).encode(), (host, port))
      """;

  private static final Duration START = Duration.ofSeconds(10);
  private static final int MAX_PENDING = 10_000;

  /** A datagram received, and from where. */
  public record Datagram(InetSocketAddress from, String payload) {}

  private final Host host;
  private final int port;
  private final Process process;
  private final OutputStream stdin;
  private final List<Datagram> received = new ArrayList<>();
  private final BlockingQueue<String> acks = new LinkedBlockingQueue<>();

  private UdpSocket(Host host, Process process, BlockingQueue<String> lines) throws IOException {
    this.host = host;
    this.process = process;
    this.stdin = process.getOutputStream();
    String bound = poll(lines, START);
    if (bound == null || !bound.startsWith("bound ")) {
      throw new IOException("the socket in " + host + " did not open: " + bound);
    }
    this.port = Integer.parseInt(bound.substring("bound ".length()));
    Thread.ofVirtual().start(() -> dispatch(lines));
  }

  static UdpSocket open(Host host, int port) throws IOException {
    Process process = host.start("python3", "-c", AGENT, Integer.toString(port));
    return new UdpSocket(host, process, lines(process));
  }

  static InetSocketAddress responder(Host host, int port) throws IOException {
    String address = host.address().getHostAddress();
    Process process = host.start("python3", "-c", RESPONDER, address, Integer.toString(port));
    String first = poll(lines(process), START);
    if (!"ready".equals(first)) {
      throw new IOException("the responder in " + host + " did not start: " + first);
    }
    return new InetSocketAddress(host.address(), port);
  }

  /** The host it is in. */
  public Host host() {
    return host;
  }

  /** The local port it is bound to. */
  public int port() {
    return port;
  }

  /** Sends one datagram; returns once it left the socket. */
  public void send(InetSocketAddress to, String payload) throws IOException {
    if (payload.indexOf('\n') >= 0 || payload.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("one line only");
    }
    synchronized (stdin) {
      stdin.write(
          (to.getAddress().getHostAddress() + ":" + to.getPort() + " " + payload + "\n")
              .getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      String ack = poll(acks, START);
      if (!"sent".equals(ack)) {
        throw new IOException(host + " could not send to " + to + ": " + ack);
      }
    }
  }

  /** Takes the first datagram received that matches, waiting at most {@code within}. */
  public Optional<Datagram> receive(Predicate<Datagram> matching, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    synchronized (received) {
      while (true) {
        for (int i = 0; i < received.size(); i++) {
          if (matching.test(received.get(i))) {
            return Optional.of(received.remove(i));
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(received, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    }
  }

  /** Takes the first datagram received, waiting at most {@code within}. */
  public Optional<Datagram> receive(Duration within) {
    return receive(d -> true, within);
  }

  /** The datagrams received and not yet taken. */
  public List<Datagram> pending() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /**
   * The address:port this socket is seen from by {@code responder} (see {@link
   * Host#startAddressResponder}): its mapped address, behind a NAT.
   */
  public InetSocketAddress mappedBy(InetSocketAddress responder) throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      send(responder, "what-is-my-address");
      Optional<Datagram> answer = receive(d -> d.from().equals(responder), Duration.ofSeconds(1));
      if (answer.isPresent()) {
        return parse(answer.get().payload());
      }
    }
    throw new IOException(host + " heard nothing from the responder " + responder);
  }

  /** Ends its process now rather than when the Internet closes. */
  @Override
  public void close() {
    process.destroyForcibly();
  }

  private void dispatch(BlockingQueue<String> lines) {
    while (true) {
      String line;
      try {
        line = lines.take();
      } catch (InterruptedException e) {
        return;
      }
      if (line.equals(EOF)) {
        return;
      }
      if (line.startsWith("from ")) {
        int space = line.indexOf(' ', 5);
        String from = space < 0 ? line.substring(5) : line.substring(5, space);
        String payload = space < 0 ? "" : line.substring(space + 1);
        synchronized (received) {
          if (received.size() >= MAX_PENDING) {
            received.removeFirst(); // a flood the test does not read: keep the newest
          }
          received.add(new Datagram(parse(from), payload));
          received.notifyAll();
        }
      } else {
        acks.add(line);
      }
    }
  }

  private static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(
        InetAddress.ofLiteral(hostPort.substring(0, colon)),
        Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static final String EOF = "\0eof";

  /** The process's output, line by line, {@link #EOF} last. */
  private static BlockingQueue<String> lines(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                  lines.add(l);
                }
              } catch (IOException e) {
                // the process was ended
              }
              lines.add(EOF);
            });
    return lines;
  }

  private static String poll(BlockingQueue<String> queue, Duration within) {
    try {
      String line = queue.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      return EOF.equals(line) ? null : line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
