package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.identity.KdfParams;
import network.mysterium.identity.KeystoreV3;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer's connection defaults: the built-in ones until set; a change is checked (positive,
 * step ≤ per session ≤ per provider) and a refused one changes nothing; a partial change keeps the
 * rest; what was set is there again after the node restarts on the same data directory.
 */
class SettingsTest {
  @TempDir Path temp;

  @Test
  void settingsAreCheckedAndKeptAcrossARestart() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {})) {
      PrivateKey key = network.newIdentity(Myst.parse("1"), Myst.ZERO);
      char[] pass = "restart".toCharArray();
      // the same identity again after the restart: the node wipes the key it was given on close
      String saved = KeystoreV3.encrypt(key, pass, KdfParams.LIGHT, new SecureRandom());
      Path dataDir = temp.resolve("node");
      try (ApiNode node = ApiNode.start(network, dataDir, key, o -> o)) {
        Curl curl = node.curl;
        assertSettings(curl, "0.05", "1", "2"); // SpendLimit's and the connect's defaults

        assertRefused(curl, "{\"maxSpend\": \"3\"}", 400, "INVALID_INPUT"); // above per provider
        assertRefused(curl, "{\"paymentStep\": \"1.5\"}", 400, "INVALID_INPUT"); // above maxSpend
        assertRefused(curl, "{\"paymentStep\": \"0\"}", 400, "INVALID_AMOUNT");
        assertRefused(curl, "{\"maxSpendPerProvider\": \"0.000\"}", 400, "INVALID_AMOUNT");
        assertRefused(curl, "{\"maxSpend\": \"-1\"}", 400, "BAD_REQUEST");
        assertRefused(curl, "{\"maxSpend\": 1}", 400, "BAD_REQUEST");
        assertRefused(curl, "{\"maxspend\": \"1\"}", 400, "BAD_REQUEST");
        assertRefused(curl, "[1]", 400, "BAD_REQUEST");
        assertSettings(curl, "0.05", "1", "2"); // nothing refused was kept

        Curl.Reply set =
            curl.request(
                "PUT",
                "/settings",
                "{\"paymentStep\": \"0.02\", \"maxSpend\": \"3\", \"maxSpendPerProvider\":"
                    + " \"4.5\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.text("maxSpend")).isEqualTo("3");
        Curl.Reply partial = curl.request("PUT", "/settings", "{\"maxSpend\": \"2.5\"}");
        assertThat(partial.status()).as(partial.body()).isEqualTo(200);
        assertSettings(curl, "0.02", "2.5", "4.5");
      }
      try (PrivateKey again = KeystoreV3.decrypt(saved, pass, "saved");
          ApiNode restarted = ApiNode.start(network, dataDir, again, o -> o)) {
        assertSettings(restarted.curl, "0.02", "2.5", "4.5");
      }
    }
  }

  private static void assertSettings(Curl curl, String step, String perSession, String perProvider)
      throws Exception {
    Curl.Reply now = curl.get("/settings");
    assertThat(now.status()).as(now.body()).isEqualTo(200);
    assertThat(now.text("paymentStep")).isEqualTo(step);
    assertThat(now.text("maxSpend")).isEqualTo(perSession);
    assertThat(now.text("maxSpendPerProvider")).isEqualTo(perProvider);
  }

  private static void assertRefused(Curl curl, String body, int status, String code)
      throws Exception {
    Curl.Reply refused = curl.request("PUT", "/settings", body);
    assertThat(refused.status()).as(body + " -> " + refused.body()).isEqualTo(status);
    assertThat(refused.code()).as(body).isEqualTo(code);
  }
}
