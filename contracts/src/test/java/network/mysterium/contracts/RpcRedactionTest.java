package network.mysterium.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An RPC URL's API key (path, query, user info) never reaches an error message, and so no log: only
 * scheme, host and port do. The endpoints here are real HTTP servers that echo the key back.
 */
class RpcRedactionTest {
  private static final String KEY = "k3yS3cr3tK3y0123456789";
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void theRedactedFormKeepsSchemeHostAndPortOnly() {
    assertThat(EthereumClient.redacted(URI.create("https://mainnet.infura.io/v3/" + KEY)))
        .isEqualTo("https://mainnet.infura.io");
    assertThat(
            EthereumClient.redacted(
                URI.create("https://user:" + KEY + "@rpc.example:8443/x?apikey=" + KEY)))
        .isEqualTo("https://rpc.example:8443");
    assertThat(EthereumClient.redacted(URI.create("http://[::1]:8545/" + KEY)))
        .isEqualTo("http://[::1]:8545");
  }

  @Test
  void anUnreachableEndpointIsNamedWithoutItsKey() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    } // closed: nothing listens there now
    URI rpc = URI.create("http://user:" + KEY + "@127.0.0.1:" + port + "/v3/" + KEY + "?k=" + KEY);
    assertThatThrownBy(() -> EthereumClient.connect(rpc))
        .isInstanceOf(ChainException.class)
        .hasMessage("cannot reach the chain at http://127.0.0.1:" + port + ": connection refused");
  }

  @Test
  void whatAnEndpointEchoesOfTheKeyIsScrubbedFromTheMessageAndItsCause() throws Exception {
    // an HTTP refusal whose body quotes the path, as hosted endpoints do
    URI refusing = serve(401, "invalid project id: %s (key %s)");
    assertThatThrownBy(() -> EthereumClient.connect(refusing))
        .isInstanceOf(ChainException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage())
                  .startsWith("cannot reach the chain at " + EthereumClient.redacted(refusing))
                  .contains("401")
                  .doesNotContain(KEY);
              for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                assertThat(String.valueOf(c.getMessage())).doesNotContain(KEY);
              }
            });
    server.stop(0);

    // a JSON-RPC error naming the key
    URI erring =
        serve(
            200,
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32001,"
                + "\"message\":\"%s: key %s is over its quota\"}}");
    assertThatThrownBy(() -> EthereumClient.connect(erring))
        .isInstanceOf(ChainException.class)
        .hasMessageStartingWith("the chain at " + EthereumClient.redacted(erring) + " refused")
        .hasMessageContaining("over its quota")
        .hasMessageNotContaining(KEY);
  }

  /** A server answering every request with {@code status} and a body quoting path and key. */
  private URI serve(int status, String bodyFormat) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] body =
              bodyFormat
                  .formatted(exchange.getRequestURI().getPath(), KEY)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return URI.create(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/v3/" + KEY + "?apikey=" + KEY);
  }
}
