package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole paid connection as a third-party program drives it, with curl on the Unix socket only:
 * search, connect to a SOCKS5 provider on a local network, metering on /events, a page fetched
 * through the proxy, disconnect, and the provider's clearing seen in the wallet; the event stream's
 * subscription goes when its client does.
 */
class PaidConnectionTest {
  private static final int PAGE_BYTES = 300_000;
  private static final BigDecimal DEPOSIT = new BigDecimal("3");

  @TempDir Path temp;

  @Test
  void searchConnectFetchMeterDisconnectAndClearWithCurlOnly() throws Exception {
    byte[] page = page();
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
                network,
                temp.resolve("consumer"),
                Myst.parse("5"),
                Myst.parse(DEPOSIT.toPlainString()),
                o -> o.withHeartbeat(Duration.ofMillis(200)))) {
      ProviderNode provider =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 64500, "0.001"), SessionEvents.none());
      network.startProvider(
          new LocalNetwork.ProviderSpec("FR", 64501, "0.002"), SessionEvents.none());
      String providerAddress = provider.proposal().provider().toString();
      Curl curl = consumer.curl;

      Curl.Reply identity = curl.get("/identity");
      assertThat(identity.status()).isEqualTo(200);
      assertThat(identity.text("address")).isEqualTo(consumer.node.address().toString());
      assertThat(identity.json().path("registered").asBoolean()).isTrue();

      // search: both providers, cheapest first; the filter narrows to the country
      JsonNode all = curl.get("/proposals?type=socks5").json().path("proposals");
      assertThat(all).hasSize(2);
      assertThat(all.get(0).path("country").asText()).isEqualTo("DE");
      assertThat(all.get(1).path("country").asText()).isEqualTo("FR");
      JsonNode german = curl.get("/proposals?type=socks5&country=de&limit=5").json();
      assertThat(german.path("proposals")).hasSize(1);
      assertThat(german.path("proposals").get(0).path("provider").asText())
          .isEqualTo(providerAddress);
      assertThat(german.path("proposals").get(0).path("pricePerUnit").asText()).isEqualTo("0.001");
      assertThat(curl.get("/proposals?maxPrice=0.0015").json().path("proposals")).hasSize(1);
      JsonNode countries = curl.get("/countries?type=socks5").json().path("countries");
      assertThat(countries).hasSize(2);
      assertThat(countries.get(0).path("country").asText()).isEqualTo("DE");

      try (EventsClient events = new EventsClient(consumer.api.unixSocket())) {
        ApiNode.await(
            () -> !events.named("connection").isEmpty(),
            Duration.ofSeconds(10),
            "the status on connecting to /events");
        assertThat(consumer.api.eventClients()).isEqualTo(1);

        Curl.Reply connected =
            curl.post(
                "/connection",
                "{\"provider\": \"" + providerAddress + "\", \"paymentStep\": \"0.01\"}");
        assertThat(connected.status()).as(connected.body()).isEqualTo(200);
        assertThat(connected.text("state")).isEqualTo("CONNECTED");
        assertThat(connected.text("provider")).isEqualTo(providerAddress);
        assertThat(connected.text("country")).isEqualTo("DE");
        String socks = connected.text("socks");
        assertThat(socks).startsWith("127.0.0.1:");
        assertThat(curl.get("/connection").text("state")).isEqualTo("CONNECTED");
        Curl.Reply again = curl.post("/connection", "{\"country\": \"FR\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("ALREADY_CONNECTED");

        // a page through the proxy, fetched by curl
        String fetched =
            Curl.run(
                List.of(
                    "curl",
                    "-sS",
                    "--max-time",
                    "30",
                    "--socks5-hostname",
                    socks,
                    "http://localhost:" + web.getAddress().getPort() + "/page"),
                40);
        assertThat(fetched).isEqualTo(new String(page, StandardCharsets.US_ASCII));

        ApiNode.await(
            () ->
                events.named("metering").stream()
                    .anyMatch(e -> e.data().path("bytesToConsumer").asLong() >= PAGE_BYTES),
            Duration.ofSeconds(20),
            "metering of the page on /events");
        EventsClient.Event metering =
            events.named("metering").stream()
                .filter(e -> e.data().path("bytesToConsumer").asLong() >= PAGE_BYTES)
                .findFirst()
                .orElseThrow();
        assertThat(metering.data().path("peer").asText()).isEqualTo(providerAddress);
        assertThat(new BigDecimal(metering.data().path("cost").asText())).isPositive();
        assertThat(events.named("connection").stream().map(e -> e.data().path("state").asText()))
            .containsSubsequence("DISCONNECTED", "CONNECTING", "CONNECTED");

        Curl.Reply current = curl.get("/sessions/current");
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.json().path("bytesToConsumer").asLong())
            .isGreaterThanOrEqualTo(PAGE_BYTES);
        assertThat(current.text("provider")).isEqualTo(providerAddress);
        assertThat(new BigDecimal(current.text("cost"))).isPositive();

        Curl.Reply disconnected = curl.delete("/connection");
        assertThat(disconnected.status()).isEqualTo(200);
        assertThat(disconnected.text("state")).isEqualTo("DISCONNECTED");
        assertThat(curl.get("/sessions/current").code()).isEqualTo("NOT_CONNECTED");
        ApiNode.await(
            () ->
                events
                        .named("connection")
                        .getLast()
                        .data()
                        .path("state")
                        .asText()
                        .equals("DISCONNECTED")
                    && !events.named("session-closed").isEmpty(),
            Duration.ofSeconds(10),
            "the disconnect on /events");

        JsonNode history = curl.get("/sessions/history?limit=5").json().path("sessions");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).path("provider").asText()).isEqualTo(providerAddress);
        assertThat(history.get(0).path("bytesDown").asLong()).isGreaterThanOrEqualTo(PAGE_BYTES);
        assertThat(history.get(0).path("country").asText()).isEqualTo("DE");

        // the provider clears at the session's end: the wallet shows it cleared and paid
        ApiNode.await(
            () -> allCleared(curl),
            Duration.ofSeconds(30),
            "the provider's clearing in /wallet/promises");
        JsonNode promises = curl.get("/wallet/promises").json().path("promises");
        BigDecimal promised = BigDecimal.ZERO;
        for (JsonNode p : promises) {
          assertThat(p.path("provider").asText()).isEqualTo(providerAddress);
          promised = promised.max(new BigDecimal(p.path("amount").asText()));
        }
        assertThat(promised).isPositive();
        JsonNode wallet = curl.get("/wallet").json();
        assertThat(new BigDecimal(wallet.path("paymentsAccount").asText()))
            .isEqualByComparingTo(DEPOSIT.subtract(promised));
        // the chain, read apart from the API: the provider's account got the promise less the fee
        PaymentsContract payments =
            new PaymentsContract(network.client(), network.deployment().payments());
        BigDecimal earned =
            new BigDecimal(payments.balanceOf(providerAddress)).movePointLeft(Myst.DECIMALS);
        assertThat(earned)
            .isEqualByComparingTo(
                promised.subtract(
                    promised
                        .multiply(BigDecimal.valueOf(LocalNetwork.FEE_BASIS_POINTS))
                        .divide(BigDecimal.valueOf(10_000))));
      }
      // the client went away: its subscription goes with it
      ApiNode.await(
          () -> consumer.api.eventClients() == 0,
          Duration.ofSeconds(10),
          "the event client's subscription closed");
    } finally {
      web.stop(0);
    }
  }

  private static boolean allCleared(Curl curl) {
    try {
      JsonNode promises = curl.get("/wallet/promises").json().path("promises");
      if (promises.isEmpty()) {
        return false;
      }
      for (JsonNode p : promises) {
        if (!p.path("cleared").asBoolean()) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] page() {
    byte[] page = new byte[PAGE_BYTES];
    for (int i = 0; i < page.length; i++) {
      page[i] = (byte) ('a' + i % 26);
    }
    return page;
  }
}
