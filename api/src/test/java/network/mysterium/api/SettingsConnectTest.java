package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connect that leaves its payment step out takes the stored one: a stored step below what the
 * provider takes is refused by that provider, the same connect with the body's own step is not, and
 * once a step it takes is stored a connect that gives nothing connects and carries traffic.
 */
class SettingsConnectTest {
  private static final int PAGE_BYTES = 100_000;

  @TempDir Path temp;

  @Test
  void aConnectWithoutLimitsUsesTheStoredOnes() throws Exception {
    byte[] page = new byte[PAGE_BYTES];
    java.util.Arrays.fill(page, (byte) 'm');
    HttpServer web =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/page",
        exchange -> {
          exchange.sendResponseHeaders(200, page.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(page);
          }
        });
    web.start();
    try (LocalNetwork network =
            LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
        ApiNode consumer =
            ApiNode.start(
                network, temp.resolve("consumer"), Myst.parse("5"), Myst.parse("3"), o -> o)) {
      ProviderNode control =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 64500, "0.001"), SessionEvents.none());
      ProviderNode other =
          network.startProvider(
              new LocalNetwork.ProviderSpec("FR", 64501, "0.001"), SessionEvents.none());
      Curl curl = consumer.curl;
      String provider = "{\"provider\": \"" + control.proposal().provider() + "\"";
      // a stored step below what the providers take (their policy's minimum is 0.01 MYST)
      Curl.Reply set =
          curl.request(
              "PUT",
              "/settings",
              "{\"paymentStep\": \"0.005\", \"maxSpend\": \"0.5\", \"maxSpendPerProvider\":"
                  + " \"1\"}");
      assertThat(set.status()).as(set.body()).isEqualTo(200);

      // leaving the step out: the stored one goes to the provider, which refuses it
      Curl.Reply refused = curl.post("/connection", provider + "}");
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.code()).isEqualTo("NO_PROVIDER");
      assertThat(curl.get("/connection").text("state")).isEqualTo("DISCONNECTED");

      // the body's own step overrides the stored one: the same provider takes it
      Curl.Reply explicit = curl.post("/connection", provider + ", \"paymentStep\": \"0.01\"}");
      assertThat(explicit.status()).as(explicit.body()).isEqualTo(200);
      assertThat(explicit.text("state")).isEqualTo("CONNECTED");
      assertThat(curl.delete("/connection").text("state")).isEqualTo("DISCONNECTED");

      // a stored step the providers take: a connect that leaves everything out connects
      assertThat(curl.request("PUT", "/settings", "{\"paymentStep\": \"0.01\"}").status())
          .isEqualTo(200);
      Curl.Reply stored =
          curl.post("/connection", "{\"provider\": \"" + other.proposal().provider() + "\"}");
      assertThat(stored.status()).as(stored.body()).isEqualTo(200);
      assertThat(stored.text("state")).isEqualTo("CONNECTED");
      fetch(stored.text("socks"), "http://localhost:" + web.getAddress().getPort() + "/page");
      assertThat(curl.delete("/connection").text("state")).isEqualTo("DISCONNECTED");
    } finally {
      web.stop(0);
    }
  }

  private static void fetch(String socks, String url) throws Exception {
    Curl.run(List.of("curl", "-sS", "--max-time", "20", "--socks5-hostname", socks, url), 30);
  }
}
