package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's fail-over as a third-party program sees it on the API (issue 16 item 4): two providers
 * in one country; the one connected is killed; /events tells FAILING_OVER with the provider left
 * and why, then CONNECTED to the other, and GET /connection says so. With {@code "failOver": false}
 * the same loss ends the connection.
 */
class FailOverTest {
  @TempDir Path temp;

  @Test
  void aKilledProviderIsFailedOverOnEventsAndFailOverFalseTurnsItOff() throws Exception {
    try (LocalNetwork network =
            LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
        ApiNode consumer =
            ApiNode.start(
                network,
                temp.resolve("consumer"),
                Myst.parse("5"),
                Myst.parse("2"),
                o -> o.withHeartbeat(Duration.ofMillis(200)))) {
      List<ProviderNode> providers =
          List.of(
              network.startProvider(
                  new LocalNetwork.ProviderSpec("DE", 64500, "0.001"), SessionEvents.none()),
              network.startProvider(
                  new LocalNetwork.ProviderSpec("DE", 64501, "0.001"), SessionEvents.none()),
              network.startProvider(
                  new LocalNetwork.ProviderSpec("FR", 64502, "0.001"), SessionEvents.none()),
              network.startProvider(
                  new LocalNetwork.ProviderSpec("FR", 64503, "0.001"), SessionEvents.none()));
      Curl curl = consumer.curl;
      try (EventsClient events = new EventsClient(consumer.api.unixSocket())) {
        ApiNode.await(
            () -> !events.named("connection").isEmpty(), Duration.ofSeconds(10), "/events");

        Curl.Reply connected = curl.post("/connection", "{\"country\": \"DE\"}");
        assertThat(connected.status()).as(connected.body()).isEqualTo(200);
        String left = connected.text("provider");
        provider(providers, left).close(); // vanishes

        ApiNode.await(
            () -> {
              JsonNode now = connection(curl);
              return now.path("state").asText().equals("CONNECTED")
                  && !now.path("provider").asText().equals(left);
            },
            Duration.ofSeconds(90),
            "the fail-over on GET /connection");
        JsonNode now = curl.get("/connection").json();
        assertThat(now.path("country").asText()).isEqualTo("DE");
        assertThat(now.path("socks").asText()).startsWith("127.0.0.1:");
        assertThat(providers.stream().map(p -> p.address().toString()))
            .contains(now.path("provider").asText());
        ApiNode.await(
            () ->
                events
                    .named("connection")
                    .getLast()
                    .data()
                    .path("state")
                    .asText()
                    .equals("CONNECTED"),
            Duration.ofSeconds(10),
            "CONNECTED again on /events");
        List<JsonNode> states = events.named("connection").stream().map(e -> e.data()).toList();
        assertThat(states.stream().map(s -> s.path("state").asText()))
            .containsSubsequence("CONNECTED", "FAILING_OVER", "CONNECTED");
        JsonNode failing =
            states.stream()
                .filter(s -> s.path("state").asText().equals("FAILING_OVER"))
                .findFirst()
                .orElseThrow();
        assertThat(failing.path("provider").asText()).isEqualTo(left);
        assertThat(failing.path("endedBecause").asText()).isNotEmpty();
        assertThat(failing.path("leftFor").isNull()).as("lost, not left by this side").isTrue();
        assertThat(curl.delete("/connection").text("state")).isEqualTo("DISCONNECTED");

        // turned off: the same loss ends the connection
        Curl.Reply off = curl.post("/connection", "{\"country\": \"FR\", \"failOver\": false}");
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        int seen = events.named("connection").size();
        provider(providers, off.text("provider")).close();
        ApiNode.await(
            () -> connection(curl).path("state").asText().equals("DISCONNECTED"),
            Duration.ofSeconds(60),
            "the end of the connection");
        assertThat(
                events.named("connection").stream()
                    .skip(seen)
                    .map(e -> e.data().path("state").asText()))
            .doesNotContain("FAILING_OVER", "CONNECTING");
        assertThat(curl.post("/connection", "{\"failOver\": 1}").status()).isEqualTo(400);
      } finally {
        providers.forEach(ProviderNode::close);
      }
    }
  }

  private static JsonNode connection(Curl curl) {
    try {
      return curl.get("/connection").json();
    } catch (Exception e) {
      throw new AssertionError("GET /connection", e);
    }
  }

  private static ProviderNode provider(List<ProviderNode> all, String address) {
    return all.stream()
        .filter(p -> p.address().toString().equalsIgnoreCase(address))
        .findFirst()
        .orElseThrow();
  }
}
