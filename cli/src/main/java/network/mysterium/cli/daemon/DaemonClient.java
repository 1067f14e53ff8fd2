package network.mysterium.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import network.mysterium.node.NodeException;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Transport;

/**
 * The CLI's client of a running daemon's API (docs/openapi.json) on {@code <dataDir>/api.sock}:
 * JSON over Jetty's HTTP client. An answer in the API's error shape becomes a {@link DaemonError}
 * with its code.
 */
public final class DaemonClient implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DaemonClient.class);

  /** The longest an answer may take; a connect waits for its first payment on the chain. */
  private static final Duration ANSWER = Duration.ofMinutes(5);

  /** The most of one answer read (the API's largest, 1000 proposals, is far below). */
  private static final int MAX_ANSWER = 8 * 1024 * 1024;

  /** The most of one event line read: a longer one ends the stream. */
  private static final int MAX_EVENT_LINE = 64 * 1024;

  private final Path socket;
  private final HttpClient http;
  private final ObjectMapper mapper = new ObjectMapper();
  private final java.util.concurrent.atomic.AtomicLong skipped =
      new java.util.concurrent.atomic.AtomicLong();

  private DaemonClient(Path socket, HttpClient http) {
    this.socket = socket;
    this.http = http;
  }

  /**
   * A client of the daemon on {@code dataDir} if one runs there (its socket accepts a connection),
   * else empty: a socket file left by a killed daemon accepts none.
   */
  public static Optional<DaemonClient> ifRunning(Path dataDir) throws Exception {
    Path socket = dataDir.resolve("api.sock").toAbsolutePath();
    if (!Files.exists(socket) || !accepts(socket)) {
      return Optional.empty();
    }
    HttpClient http = new HttpClient();
    http.setMaxResponseHeadersSize(16 * 1024);
    http.setFollowRedirects(false);
    http.start();
    return Optional.of(new DaemonClient(socket, http));
  }

  private static boolean accepts(Path socket) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return false;
    }
  }

  /** The socket this client talks to. */
  public Path socket() {
    return socket;
  }

  public JsonNode get(String path) throws Exception {
    return send(request(HttpMethod.GET, path));
  }

  /** GET with a query; absent values are left out. */
  public JsonNode get(String path, Map<String, Optional<String>> query) throws Exception {
    StringJoiner q = new StringJoiner("&", "?", "");
    q.setEmptyValue("");
    query.forEach(
        (name, value) ->
            value.ifPresent(v -> q.add(name + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8))));
    return get(path + q);
  }

  public JsonNode post(String path, Object body) throws Exception {
    return send(
        request(HttpMethod.POST, path)
            .body(
                new StringRequestContent(
                    "application/json", mapper.writeValueAsString(body), StandardCharsets.UTF_8)));
  }

  public JsonNode delete(String path) throws Exception {
    return send(request(HttpMethod.DELETE, path));
  }

  /** One server-sent event: its name and its data as JSON. */
  public record Event(String name, JsonNode data) {}

  /** What a caller does with each event; it runs on the stream's reading thread. */
  @FunctionalInterface
  public interface Events {
    void on(Event event);
  }

  /**
   * Follows {@code GET /events} on a thread of its own until closed (or the daemon ends the
   * stream). Returns once the daemon answered, so no event after that is missed.
   */
  public AutoCloseable events(Events events) throws Exception {
    InputStreamResponseListener listener = new InputStreamResponseListener();
    Request request =
        request(HttpMethod.GET, "/events")
            .headers(h -> h.put("Accept", "text/event-stream"))
            .timeout(0, TimeUnit.MILLISECONDS) // no end: the daemon's heartbeat keeps it alive
            .idleTimeout(1, TimeUnit.MINUTES);
    request.send(listener);
    Response response = listener.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    InputStream body = listener.getInputStream();
    if (response.getStatus() != 200) {
      throw error(response.getStatus(), new String(body.readNBytes(MAX_ANSWER), UTF8));
    }
    Thread reader = Thread.ofVirtual().name("daemon-events").start(() -> read(body, events));
    return () -> {
      request.abort(new IOException("closed by the client"));
      reader.join(Duration.ofSeconds(5));
    };
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /**
   * The event stream's lines: {@code event:} names the next {@code data:}; a blank line ends it.
   */
  private void read(InputStream body, Events events) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, UTF8))) {
      String name = "message";
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.length() > MAX_EVENT_LINE || data.length() > MAX_EVENT_LINE) {
          return; // not the daemon's stream
        }
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            deliver(events, name, data.toString());
          }
          name = "message";
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).strip());
        } // a comment (the heartbeat) or an unknown field: skipped
      }
    } catch (IOException e) {
      // the stream ended: closed here, or the daemon stopped
    }
  }

  /** One event; one that is not JSON, or that the caller cannot take, is skipped and counted. */
  private void deliver(Events events, String name, String data) {
    try {
      events.on(new Event(name, mapper.readTree(data)));
    } catch (IOException | RuntimeException e) {
      if (skipped.incrementAndGet() == 1) {
        LOG.warn(
            "an event of the daemon on {} was skipped (logged once): {}", socket, e.toString());
      }
    }
  }

  private Request request(HttpMethod method, String path) {
    // the Host is localhost: the API refuses any other (DNS rebinding)
    return http.newRequest("http://localhost" + path)
        .transport(new Transport.TCPUnix(socket))
        .method(method)
        .headers(h -> h.put("Accept", "application/json"))
        .timeout(ANSWER.toSeconds(), TimeUnit.SECONDS);
  }

  private JsonNode send(Request request) throws Exception {
    ContentResponse response;
    try {
      response = new CompletableResponseListener(request, MAX_ANSWER).send().get();
    } catch (ExecutionException e) {
      throw new NodeException(
          NodeException.Code.HOST,
          "the daemon on " + socket + " did not answer: " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      request.abort(e); // stopped by a signal: the daemon sees the request go
      throw e;
    }
    String text = response.getContentAsString();
    if (response.getStatus() / 100 != 2) {
      throw error(response.getStatus(), text);
    }
    return mapper.readTree(text);
  }

  /** The API's one error shape, {code, message}; anything else is said by its HTTP status. */
  private DaemonError error(int status, String text) {
    try {
      JsonNode body = mapper.readTree(text);
      if (body != null && body.path("code").isTextual()) {
        return new DaemonError(body.path("code").asText(), body.path("message").asText(""));
      }
    } catch (IOException e) {
      // not JSON: said below
    }
    return new DaemonError("HTTP_" + status, "the daemon answered HTTP " + status);
  }

  @Override
  public void close() throws Exception {
    http.stop();
  }
}
