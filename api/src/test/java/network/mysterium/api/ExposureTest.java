package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared exposure through the API (whitepaper 6.5.6): GET /wallet says what the identity promised
 * that providers have not cleared, per provider, and 0 once the chain shows it cleared; a sharer's
 * GET /sharing says, per consumer, what it holds, what another provider reported holding, and what
 * it still accepts. Every amount is one the test deposited or promised.
 */
class ExposureTest {
  @TempDir Path temp;

  @Test
  void theWalletShowsWhatIsUnclearedAndTheSharerWhatOthersHold() throws Exception {
    try (LocalNetwork network =
            LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
        ApiNode sharer =
            ApiNode.start(network, temp.resolve("sharer"), Myst.parse("1"), Myst.ZERO, o -> o);
        ApiNode consumer =
            ApiNode.start(
                network, temp.resolve("consumer"), Myst.parse("5"), Myst.parse("1"), o -> o)) {
      // holds what it is promised until a session ends
      ProviderNode german =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 3320, "0.01"),
              SessionEvents.none(),
              new ClearingPolicy(Myst.parse("1000"), Duration.ofDays(1), Duration.ofSeconds(1)));
      JsonNode before = consumer.curl.get("/wallet").json();
      assertThat(new BigDecimal(before.path("uncleared").asText())).isZero();
      assertThat(before.path("unclearedByProvider")).isEmpty();

      Curl.Reply connected =
          consumer.curl.post("/connection", "{\"country\": \"DE\", \"paymentStep\": \"0.6\"}");
      assertThat(connected.status()).as(connected.body()).isEqualTo(200);
      JsonNode during = consumer.curl.get("/wallet").json();
      assertThat(during.path("uncleared").asText()).isEqualTo("0.6");
      assertThat(during.path("unclearedByProvider")).hasSize(1);
      assertThat(during.path("unclearedByProvider").get(0).path("provider").asText())
          .isEqualTo(german.address().toString());
      assertThat(during.path("unclearedByProvider").get(0).path("amount").asText())
          .isEqualTo("0.6");
      assertThat(consumer.curl.delete("/connection").text("state")).isEqualTo("DISCONNECTED");
      ApiNode.await(
          () -> amount(consumer.curl, "/wallet", "uncleared").signum() == 0,
          Duration.ofSeconds(30),
          "the German clearing in GET /wallet");
      assertThat(consumer.curl.get("/wallet").json().path("unclearedByProvider")).isEmpty();
      assertThat(amount(consumer.curl, "/wallet", "paymentsAccount"))
          .isEqualByComparingTo(new BigDecimal("0.4"));

      // another consumer, 1 deposited: 0.6 promised to the German provider, then 0.3 to the sharer
      Curl.Reply started =
          sharer.curl.post("/sharing", "{\"country\": \"NL\", \"price\": \"0.01\"}");
      assertThat(started.status()).as(started.body()).isEqualTo(200);
      assertThat(started.json().path("exposures")).isEmpty();
      try (PrivateKey key = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
          Database database = Database.open(temp.resolve("other.db"));
          ConsumerNode other =
              ConsumerNode.start(
                  key,
                  database,
                  network.client(),
                  network.deployment(),
                  Contact.parse("udp://127.0.0.1:0"));
          ConsumerSession toGerman = connect(other, "DE", "0.6")) {
        ApiNode.await(
            () -> {
              try {
                return other.search(query("NL")).size() == 1;
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            },
            Duration.ofSeconds(30),
            "the sharer's offer in the search");
        try (ConsumerSession toSharer = connect(other, "NL", "0.3")) {
          // the German provider tells the sharer, which its index lists, what it holds
          ApiNode.await(
              () -> {
                JsonNode e = json(sharer.curl, "/sharing").path("exposures");
                return e.size() == 1
                    && new BigDecimal(e.get(0).path("heldByOthers").asText())
                            .compareTo(new BigDecimal("0.6"))
                        == 0;
              },
              Duration.ofSeconds(30),
              "the German provider's report in GET /sharing");
          JsonNode exposure = sharer.curl.get("/sharing").json().path("exposures").get(0);
          assertThat(exposure.path("consumer").asText()).isEqualTo(key.address().toString());
          assertThat(exposure.path("inSession").asBoolean()).isTrue();
          // 1 deposited less 0.6 held by the German provider: 0.4 to spend, 0.3 held, 0.1 left
          assertThat(exposure.path("heldHere").asText()).isEqualTo("0.3");
          assertThat(exposure.path("spendable").asText()).isEqualTo("0.4");
          assertThat(exposure.path("left").asText()).isEqualTo("0.1");
        }
      }
    }
  }

  private static ConsumerSession connect(ConsumerNode node, String country, String step)
      throws Exception {
    return node.connect(
        node.search(query(country)),
        Myst.parse(step),
        SessionEvents.none(),
        new Connector.Attempts() {},
        Duration.ofSeconds(10),
        (type, contact) ->
            new network.mysterium.service.socks.Socks5Client(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
  }

  private static ProposalIndex.Query query(String country) {
    return ProposalIndex.Query.of(Optional.of("socks5"), Optional.of(country), 10);
  }

  private static BigDecimal amount(Curl curl, String path, String field) {
    return new BigDecimal(json(curl, path).path(field).asText());
  }

  private static JsonNode json(Curl curl, String path) {
    try {
      return curl.get(path).json();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
