package network.mysterium.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.session.SessionEvents;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's cost on its Unix socket: request latency of {@code GET /connection} (the gate, the
 * route, JSON) against a trivial Jetty handler on a Unix socket and {@code GET /openapi.json} in
 * the same run, one kept-alive connection each; and the delay from a metering message (the node's
 * listener) to its arrival at an {@code /events} client. {@code ./mvnw -B -ntp -q -pl api -am test
 * -Pbenchmarks -Dtest=ApiBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dinstaller.skip}
 */
@Tag("benchmark")
class ApiBenchmark {
  private static final int WARMUP = 2_000;
  private static final int REQUESTS = 2_000;

  @TempDir Path temp;

  @Test
  void requestLatencyAndMeteringToEventDelay() throws Exception {
    try (LocalNetwork network =
            LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
        ApiNode consumer =
            ApiNode.start(
                network, temp.resolve("consumer"), Myst.parse("20"), Myst.parse("10"), o -> o)) {
      Server trivial = trivialJetty(temp.resolve("trivial.sock"));
      try {
        for (int round = 0; round < 3; round++) {
          report("trivial Jetty handler", latency(temp.resolve("trivial.sock"), "/"));
          report("GET /connection", latency(consumer.api.unixSocket(), "/connection"));
          report("GET /openapi.json", latency(consumer.api.unixSocket(), "/openapi.json"));
        }
      } finally {
        trivial.stop();
      }
      meteringDelay(network, consumer);
    }
  }

  private static double[] latency(Path socket, String path) throws Exception {
    try (RawHttp http = new RawHttp(socket)) {
      for (int i = 0; i < WARMUP; i++) {
        check(http.get(path));
      }
      double[] micros = new double[REQUESTS];
      for (int i = 0; i < REQUESTS; i++) {
        long t0 = System.nanoTime();
        check(http.get(path));
        micros[i] = (System.nanoTime() - t0) / 1e3;
      }
      return micros;
    }
  }

  private static void check(int status) {
    if (status != 200) {
      throw new AssertionError("status " + status);
    }
  }

  private static void meteringDelay(LocalNetwork network, ApiNode consumer) throws Exception {
    network.startProvider(
        new LocalNetwork.ProviderSpec("DE", 64500, "0.0001"), SessionEvents.none());
    Map<String, Long> metered = new ConcurrentHashMap<>();
    // registered before the stream's: the node tells it first, in the same loop
    try (var timing =
        consumer.node.subscribe(
            new SessionEvents() {
              @Override
              public void metering(Address peer, Metering m) {
                metered.put(m.sessionId() + "/" + m.durationMillis(), System.nanoTime());
              }
            })) {
      try (RawHttp events = new RawHttp(consumer.api.unixSocket())) {
        events.open("/events", "Accept: text/event-stream");
        Curl.Reply connected =
            consumer.curl.post("/connection", "{\"country\": \"DE\", \"paymentStep\": \"0.01\"}");
        check(connected.status());
        List<Double> delays = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String event = null;
        while (System.nanoTime() < end) {
          String line = events.line();
          long at = System.nanoTime();
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ") && "metering".equals(event)) {
            var json =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(line.substring(6));
            Long sent =
                metered.get(
                    json.path("sessionId").asText() + "/" + json.path("durationMillis").asLong());
            if (sent != null) {
              delays.add((at - sent) / 1e3);
            }
          }
        }
        consumer.curl.delete("/connection");
        report(
            "metering -> /events client",
            delays.stream().mapToDouble(Double::doubleValue).toArray());
      }
    }
  }

  private static Server trivialJetty(Path socket) throws Exception {
    Server server = new Server();
    UnixDomainServerConnector connector =
        new UnixDomainServerConnector(server, new HttpConnectionFactory());
    connector.setUnixDomainPath(socket);
    server.addConnector(connector);
    byte[] body = "{\"state\":\"DISCONNECTED\"}".getBytes(StandardCharsets.US_ASCII);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
          }
        });
    server.start();
    return server;
  }

  private static void report(String what, double[] micros) {
    double[] sorted = micros.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "BENCH %-28s n=%d p50=%.0f us p99=%.0f us max=%.0f us%n",
        what,
        sorted.length,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
