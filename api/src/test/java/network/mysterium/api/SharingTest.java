package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharing through the API: one node starts an offer with POST /sharing, another finds it and
 * connects, the sharer's GET /sharing shows the session while it runs and the earnings after it
 * cleared, and DELETE /sharing stops it.
 */
class SharingTest {
  @TempDir Path temp;

  @Test
  void anOfferStartedByTheApiIsFoundUsedPaidAndStopped() throws Exception {
    try (LocalNetwork network =
            LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
        ApiNode sharer =
            ApiNode.start(network, temp.resolve("sharer"), Myst.parse("1"), Myst.ZERO, o -> o);
        ApiNode consumer =
            ApiNode.start(
                network, temp.resolve("consumer"), Myst.parse("5"), Myst.parse("3"), o -> o);
        EventsClient search =
            new EventsClient(consumer.api.unixSocket(), "?proposals=true&country=NL")) {
      ApiNode.await(
          () -> !search.named("proposals").isEmpty(), Duration.ofSeconds(10), "the first answer");
      assertThat(search.named("proposals").getFirst().data().path("proposals")).isEmpty();
      JsonNode idle = sharer.curl.get("/sharing").json();
      assertThat(idle.path("sharing").asBoolean()).isFalse();
      assertThat(idle.path("proposal").isNull()).isTrue();
      assertThat(sharer.curl.post("/sharing", "{\"country\": \"XX\", \"price\": \"0.001\"}").code())
          .isEqualTo("INVALID_INPUT");
      assertThat(sharer.curl.post("/sharing", "{\"country\": \"NL\"}").code())
          .isEqualTo(Codes.BAD_REQUEST);

      Curl.Reply started =
          sharer.curl.post(
              "/sharing", "{\"country\": \"NL\", \"asn\": 64510, \"price\": \"0.002\"}");
      assertThat(started.status()).as(started.body()).isEqualTo(200);
      assertThat(started.json().path("sharing").asBoolean()).isTrue();
      JsonNode proposal = started.json().path("proposal");
      assertThat(proposal.path("provider").asText()).isEqualTo(sharer.node.address().toString());
      assertThat(proposal.path("country").asText()).isEqualTo("NL");
      assertThat(proposal.path("pricePerUnit").asText()).isEqualTo("0.002");

      ApiNode.await(
          () -> found(consumer.curl, sharer.node.address().toString()),
          Duration.ofSeconds(30),
          "the offer in the consumer's search");
      // the stream told the changed answer without being asked again
      ApiNode.await(
          () ->
              search
                  .named("proposals")
                  .getLast()
                  .data()
                  .path("proposals")
                  .findValuesAsText("provider")
                  .contains(sharer.node.address().toString()),
          Duration.ofSeconds(10),
          "a proposals event with the offer");
      Curl.Reply connected =
          consumer.curl.post("/connection", "{\"country\": \"NL\", \"paymentStep\": \"0.01\"}");
      assertThat(connected.status()).as(connected.body()).isEqualTo(200);
      assertThat(connected.text("provider")).isEqualTo(sharer.node.address().toString());
      ApiNode.await(
          () -> sessionsNow(sharer.curl) == 1,
          Duration.ofSeconds(10),
          "the session in the sharer's GET /sharing");
      JsonNode during = sharer.curl.get("/sharing").json();
      assertThat(during.path("sessions").get(0).path("consumer").asText())
          .isEqualTo(consumer.node.address().toString());
      assertThat(during.path("earnings").path("activeSessions").asInt()).isEqualTo(1);

      assertThat(consumer.curl.delete("/connection").text("state")).isEqualTo("DISCONNECTED");
      ApiNode.await(
          () -> earned(sharer.curl).signum() > 0,
          Duration.ofSeconds(30),
          "the clearing in the sharer's earnings");
      assertThat(sessionsNow(sharer.curl)).isZero();

      JsonNode stopped = sharer.curl.delete("/sharing").json();
      assertThat(stopped.path("sharing").asBoolean()).isFalse();
      assertThat(stopped.path("proposal").isNull()).isTrue();
      assertThat(new BigDecimal(stopped.path("earnings").path("paymentsAccount").asText()))
          .isPositive();
    }
  }

  private static boolean found(Curl curl, String provider) {
    try {
      for (JsonNode p : curl.get("/proposals?country=NL").json().path("proposals")) {
        if (p.path("provider").asText().equals(provider)) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int sessionsNow(Curl curl) {
    try {
      return curl.get("/sharing").json().path("sessions").size();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static BigDecimal earned(Curl curl) {
    try {
      return new BigDecimal(
          curl.get("/sharing").json().path("earnings").path("paymentsAccount").asText());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
