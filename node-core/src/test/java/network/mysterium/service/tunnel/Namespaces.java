package network.mysterium.service.tunnel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces a test creates, and the processes it runs in them: all removed by {@link
 * #close()} (call it from {@code @AfterEach}), whatever the test did.
 */
final class Namespaces implements AutoCloseable {
  /**
   * UDP listeners on the given {@code host port} pairs; one line per datagram: {@code host:port
   * payload}.
   */
  private static final String LISTENER =
      """
      import socket, selectors, sys
      sel = selectors.DefaultSelector()
      for i in range(1, len(sys.argv), 2):
          host, port = sys.argv[i], int(sys.argv[i + 1])
          s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
          s.bind((host, port)); sel.register(s, selectors.EVENT_READ, host + ":" + str(port))
      print("ready", flush=True)
      while True:
          for key, _ in sel.select():
              data, _ = key.fileobj.recvfrom(2048)
              print(key.data, data.decode(errors="replace"), flush=True)
      """;

  /** Sends one UDP datagram to each {@code host port payload}; errors are the firewall's doing. */
  private static final String SENDER =
      """
      import socket, sys
      for i in range(1, len(sys.argv), 3):
          host, port, payload = sys.argv[i], int(sys.argv[i + 1]), sys.argv[i + 2].encode()
          s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
          try:
              s.sendto(payload, (host, port))
          except OSError as e:
              print(host, e, flush=True)
          s.close()
      """;

  private final List<String> names = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<String[]> undo = new ArrayList<>();

  /** Creates a namespace with loopback up. */
  String add(String name) throws IOException {
    run("ip", "netns", "add", name);
    names.add(name);
    run("ip", "-n", name, "link", "set", "lo", "up");
    return name;
  }

  /** Runs {@code command} when closing (before the namespaces go). */
  void onClose(String... command) {
    undo.add(command);
  }

  /** A veth pair {@code a} in {@code nsA} to {@code b} in {@code nsB}, both up. */
  void veth(String nsA, String a, String nsB, String b) throws IOException {
    run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
    run("ip", "link", "set", a, "netns", nsA);
    run("ip", "link", "set", b, "netns", nsB);
    run("ip", "-n", nsA, "link", "set", a, "up");
    run("ip", "-n", nsB, "link", "set", b, "up");
  }

  /** A command in a namespace; its output, or an IOException with it. */
  String in(String ns, String... command) throws IOException {
    return inWithInput(ns, null, command);
  }

  String inWithInput(String ns, String input, String... command) throws IOException {
    List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    line.addAll(List.of(command));
    return runWithInput(input, line.toArray(String[]::new));
  }

  /** Sends UDP datagrams from a namespace: {@code host, port, payload, host, port, payload...}. */
  void send(String ns, String... targets) throws IOException {
    List<String> line = new ArrayList<>(List.of("python3", "-c", SENDER));
    line.addAll(List.of(targets));
    in(ns, line.toArray(String[]::new));
  }

  /** A listener started in a namespace, ready when this returns. */
  Listener listen(String ns, String... hostsAndPorts) throws IOException {
    List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", ns, "python3", "-c"));
    line.add(LISTENER);
    line.addAll(List.of(hostsAndPorts));
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    processes.add(process);
    Listener listener = new Listener(process);
    String first = listener.next(Duration.ofSeconds(10));
    if (!"ready".equals(first)) {
      throw new IOException("the listener did not start: " + first);
    }
    return listener;
  }

  /** What a listener printed, line by line. */
  static final class Listener {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Listener(Process process) {
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
              });
    }

    /** The next line, or null if none came within the time. */
    String next(Duration within) {
      try {
        return lines.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  static String run(String... command) throws IOException {
    return runWithInput(null, command);
  }

  static String runWithInput(String input, String... command) throws IOException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    try {
      try (OutputStream stdin = p.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      p.destroyForcibly();
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (String[] command : undo.reversed()) {
      quietly(command);
    }
    for (String ns : names) {
      quietly("ip", "netns", "del", ns);
    }
  }

  private static void quietly(String... command) {
    try {
      run(command);
    } catch (IOException e) {
      // already gone
    }
  }
}
