package network.mysterium.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code curl -N} on {@code /events}, its server-sent events parsed as they arrive. Closing kills
 * the curl process it started (by its handle).
 */
final class EventsClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Event(String name, JsonNode data) {}

  private final Process process;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final Thread reader;

  EventsClient(Path socket) throws IOException {
    this(socket, "");
  }

  /** {@code query}: appended to {@code /events}, e.g. {@code "?proposals=true&country=NL"}. */
  EventsClient(Path socket, String query) throws IOException {
    process =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-N",
                "--max-time",
                "300",
                "--unix-socket",
                socket.toString(),
                "-H",
                "Accept: text/event-stream",
                "http://localhost/events" + query)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    reader = Thread.ofPlatform().daemon().name("events-client").start(this::read);
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String name = null;
      StringBuilder data = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("event: ")) {
          name = line.substring("event: ".length());
        } else if (line.startsWith("data: ")) {
          data.append(line.substring("data: ".length()));
        } else if (line.isEmpty() && name != null) {
          events.add(new Event(name, JSON.readTree(data.toString())));
          name = null;
          data.setLength(0);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  List<Event> named(String name) {
    return events.stream().filter(e -> e.name().equals(name)).toList();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      reader.join(5_000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
