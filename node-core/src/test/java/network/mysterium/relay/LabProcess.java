package network.mysterium.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.net.lab.Host;

/**
 * A lab process (by default a {@link RelayLabPeer}) in a lab host, and the {@code LAB} lines it
 * printed.
 */
record LabProcess(Process process, BlockingQueue<String> lines, OutputStream in) {
  static LabProcess start(Host host, String... args) throws IOException {
    return start(host, RelayLabPeer.class, args);
  }

  /** Any lab main class that prints {@code LAB} lines. */
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

  /** Its own keys (a consumer may be several), every public key of the test, a blank line. */
  static void keys(LabProcess peer, List<PrivateKey> own, List<PrivateKey> all) throws IOException {
    StringBuilder text =
        new StringBuilder(
            String.join(",", own.stream().map(k -> Hex.encode(k.toBytes())).toList()));
    for (PrivateKey key : all) {
      text.append('\n').append(Hex.encode(key.publicKey().toUncompressed()));
    }
    peer.tell(text.append('\n').toString()); // tell ends the line: a blank line follows
  }

  static void keys(LabProcess peer, PrivateKey own, List<PrivateKey> all) throws IOException {
    keys(peer, List.of(own), all);
  }
}
