package network.mysterium.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import network.mysterium.net.lab.Host;

/** A process of a NAT test in a lab host, and the {@code LAB} lines it printed. */
record LabProcess(Process process, BlockingQueue<String> lines, OutputStream in) {
  static LabProcess start(Host host, Class<?> main, String... args) throws IOException {
    Process process = host.startJava(main, args);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                  if (l.startsWith("LAB ")) {
                    lines.add(l.substring(4));
                  }
                }
              } catch (IOException e) {
                // ended
              }
            });
    return new LabProcess(process, lines, process.getOutputStream());
  }

  void tell(String text) throws IOException {
    in.write((text + "\n").getBytes(StandardCharsets.US_ASCII));
    in.flush();
  }

  String next(Duration within) throws InterruptedException {
    String line = lines.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null) {
      throw new AssertionError("no answer from " + process.info().commandLine().orElse("?"));
    }
    return line;
  }
}
