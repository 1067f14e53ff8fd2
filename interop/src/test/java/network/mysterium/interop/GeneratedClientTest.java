package network.mysterium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import network.mysterium.api.ApiServer;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.session.SessionEvents;
import org.example.mysterium.api.DefaultApi;
import org.example.mysterium.client.ApiClient;
import org.example.mysterium.client.ApiException;
import org.example.mysterium.model.ConnectRequest;
import org.example.mysterium.model.Connection;
import org.example.mysterium.model.DepositRequest;
import org.example.mysterium.model.Promise;
import org.example.mysterium.model.Proposal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third party with nothing but the committed OpenAPI document: a client generated from it by
 * openapi-generator (no code of ours on its side) drives a whole paid connection against a daemon's
 * API on loopback TCP with its token: search, connect, metering from the event stream, a page
 * through the proxy, disconnect, and the provider's clearing seen in the wallet.
 */
class GeneratedClientTest {
  @TempDir Path temp;

  @Test
  void aGeneratedClientDrivesAWholePaidConnection() throws Exception {
    HttpServer web =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] page = "through a generated client\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, page.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(page);
          }
        });
    web.start();
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {})) {
      network.startProvider(
          new LocalNetwork.ProviderSpec("DE", 3320, "0.01"), SessionEvents.none());
      network.startProvider(
          new LocalNetwork.ProviderSpec("DE", 3209, "0.02"), SessionEvents.none());
      PrivateKey key = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
      Path data = temp.resolve("daemon");
      try (Node node = Node.start(network.nodeConfig(data), key);
          ApiServer daemon = ApiServer.start(node, ApiServer.Options.defaults(data).withTcp(0))) {
        String token = Files.readString(daemon.tokenFile().orElseThrow()).strip();
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + daemon.tcpPort().getAsInt());
        client.setRequestInterceptor(r -> r.header("Authorization", "Bearer " + token));
        DefaultApi api = new DefaultApi(client);

        List<Proposal> found =
            api.listProposals("socks5", "DE", null, null, null, null, null, null, null, null)
                .getProposals();
        assertThat(found).hasSize(2);
        assertThat(found)
            .extracting(p -> new BigDecimal(p.getPricePerUnit()))
            .as("cheapest first")
            .isSortedAccordingTo(BigDecimal::compareTo);

        List<String> events = new CopyOnWriteArrayList<>();
        var stream =
            client
                .getHttpClient()
                .sendAsync(
                    HttpRequest.newBuilder(URI.create(client.getBaseUri() + "/events"))
                        .header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + token)
                        .build(),
                    HttpResponse.BodyHandlers.ofLines());
        var lines = stream.get(10, java.util.concurrent.TimeUnit.SECONDS);
        Thread reader = Thread.ofVirtual().start(() -> lines.body().forEach(events::add));

        Connection connected = api.connect(new ConnectRequest().country("DE").paymentStep("0.05"));
        assertThat(connected.getState()).isEqualTo(Connection.StateEnum.CONNECTED);
        assertThat(connected.getProvider()).isEqualTo(found.getFirst().getProvider());
        String[] socks = connected.getSocks().split(":");
        assertThat(fetch(socks[0], Integer.parseInt(socks[1]), web.getAddress().getPort()))
            .endsWith("through a generated client\n");
        await(() -> events.stream().anyMatch(l -> l.equals("event: metering")), "metering events");
        // the provider meters every half second: the page shows in the session's count soon
        await(
            () -> {
              try {
                return api.currentSession().getBytesToConsumer() >= page.length;
              } catch (ApiException e) {
                return false;
              }
            },
            "the page in the session's metering");

        assertThatThrownBy(() -> api.connect(new ConnectRequest().country("DE")))
            .isInstanceOfSatisfying(
                ApiException.class,
                e -> {
                  assertThat(e.getCode()).isEqualTo(409);
                  assertThat(e.getResponseBody()).contains("ALREADY_CONNECTED");
                });
        assertThat(api.disconnect().getState()).isEqualTo(Connection.StateEnum.DISCONNECTED);

        await(
            () -> {
              try {
                List<Promise> promises = api.listPromises().getPromises();
                return !promises.isEmpty() && promises.stream().allMatch(Promise::getCleared);
              } catch (ApiException e) {
                return false;
              }
            },
            "the provider's clearing");
        BigDecimal promised =
            api.listPromises().getPromises().stream()
                .map(p -> new BigDecimal(p.getAmount()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(new BigDecimal(api.getWallet().getPaymentsAccount()))
            .isEqualByComparingTo(BigDecimal.ONE.subtract(promised));
        assertThat(api.sessionHistory(10).getSessions()).hasSize(1);

        assertThatThrownBy(() -> api.previewDeposit(new DepositRequest().amount("lots")))
            .isInstanceOfSatisfying(
                ApiException.class,
                e -> {
                  assertThat(e.getCode()).isEqualTo(400);
                  assertThat(e.getResponseBody()).contains("\"code\":\"BAD_REQUEST\"");
                });
        reader.interrupt();
      }
    } finally {
      web.stop(0);
    }
  }

  private static String fetch(String host, int port, int webPort) throws Exception {
    try (Socket socket =
        new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress(host, port)))) {
      socket.connect(InetSocketAddress.createUnresolved("localhost", webPort), 10_000);
      socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100); // polling the awaited condition
    }
  }
}
