package network.mysterium.discovery;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON-RPC endpoint in front of a real chain node (anvil) that passes every request on and counts
 * them by method: what a node under test asks its chain, seen from outside the node.
 */
final class CountingRpc implements AutoCloseable {
  private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");

  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  CountingRpc(URI upstream) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
              body = in.readAllBytes();
            }
            Matcher m = METHOD.matcher(new String(body, StandardCharsets.UTF_8));
            while (m.find()) {
              counts.computeIfAbsent(m.group(1), k -> new LongAdder()).increment();
            }
            HttpResponse<byte[]> answer =
                http.send(
                    HttpRequest.newBuilder(upstream)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(answer.body());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Requests passed on so far, all methods. */
  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Requests passed on so far, by method. */
  Map<String, Long> byMethod() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((method, count) -> copy.put(method, count.sum()));
    return copy;
  }

  @Override
  public void close() {
    server.stop(0);
    http.close();
  }
}
