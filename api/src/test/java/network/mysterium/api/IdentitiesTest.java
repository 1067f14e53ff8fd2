package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.identity.KdfParams;
import network.mysterium.identity.Keystore;
import network.mysterium.identity.KeystoreV3;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keystore through the API: an identity created there opens with its passphrase in the node's
 * keystore folder, a file another node's keystore wrote imports, and the node's own key imported
 * lists as current and registered; a wrong passphrase, a malformed document and a second import are
 * each refused with their code, and no answer holds the passphrase.
 */
class IdentitiesTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path temp;

  @Test
  void createsListsAndImportsIdentitiesAndRefusesBadImportsByCode() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {})) {
      PrivateKey key = network.newIdentity(Myst.parse("1"), Myst.ZERO);
      Address own = key.address();
      String ownKeystore =
          KeystoreV3.encrypt(key, "own pass".toCharArray(), KdfParams.LIGHT, RANDOM);
      // a keystore file written by another node's own Keystore, in another directory
      Keystore other =
          new Keystore(
              new DataDirectory(temp.resolve("other")), KdfParams.LIGHT, RANDOM, Clock.systemUTC());
      Address elsewhere = other.create("other pass".toCharArray());
      String otherFile = Files.readString(other.list().find(elsewhere).orElseThrow().file());
      Path dataDir = temp.resolve("node");
      try (ApiNode node =
          ApiNode.start(network, dataDir, key, c -> c.withKeystoreKdf(KdfParams.LIGHT), o -> o)) {
        Curl curl = node.curl;
        Curl.Reply empty = curl.get("/identities");
        assertThat(empty.status()).as(empty.body()).isEqualTo(200);
        assertThat(empty.json().path("identities")).isEmpty();

        Curl.Reply created = curl.postSecret("/identities", "{\"passphrase\": \"s3cret words\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).doesNotContain("s3cret");
        Address fresh = Address.parse(created.text("address"));
        // read apart from the API: the node's keystore folder holds it, 0600, under that passphrase
        Keystore nodeKeystore =
            new Keystore(new DataDirectory(dataDir), KdfParams.LIGHT, RANDOM, Clock.systemUTC());
        Path freshFile = nodeKeystore.list().find(fresh).orElseThrow().file();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(freshFile)))
            .isEqualTo("rw-------");
        try (PrivateKey opened = nodeKeystore.unlock(fresh, "s3cret words".toCharArray())) {
          assertThat(opened.address()).isEqualTo(fresh);
        }

        Curl.Reply wrong =
            curl.postSecret("/identities/import", importBody(otherFile, "not the passphrase"));
        assertThat(wrong.status()).as(wrong.body()).isEqualTo(422);
        assertThat(wrong.code()).isEqualTo("WRONG_PASSPHRASE");
        assertThat(wrong.body()).doesNotContain("not the passphrase");

        Curl.Reply malformed =
            curl.postSecret(
                "/identities/import", importBody("{\"version\": 3, \"crypto\": {}}", "x"));
        assertThat(malformed.status()).as(malformed.body()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("INVALID_KEYSTORE");

        Curl.Reply notObject =
            curl.postSecret(
                "/identities/import", "{\"keystore\": \"text\", \"passphrase\": \"x\"}");
        assertThat(notObject.code()).isEqualTo("BAD_REQUEST");

        Curl.Reply imported =
            curl.postSecret("/identities/import", importBody(otherFile, "other pass"));
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.text("address")).isEqualTo(elsewhere.toString());
        Curl.Reply again =
            curl.postSecret("/identities/import", importBody(otherFile, "other pass"));
        assertThat(again.status()).as(again.body()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("IDENTITY_EXISTS");

        Curl.Reply mine =
            curl.postSecret("/identities/import", importBody(ownKeystore, "own pass"));
        assertThat(mine.status()).as(mine.body()).isEqualTo(200);
        assertThat(mine.text("address")).isEqualTo(own.toString());

        Curl.Reply listed = curl.get("/identities");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        List<String> rows = new ArrayList<>();
        for (JsonNode row : listed.json().path("identities")) {
          rows.add(
              Address.parse(row.path("address").asText())
                  + " current="
                  + row.path("current").asBoolean()
                  + " registered="
                  + row.path("registered").asBoolean());
        }
        // the node's own key is the one LocalNetwork registered; the other two are not on chain
        assertThat(rows)
            .containsExactlyInAnyOrder(
                own + " current=true registered=true",
                fresh + " current=false registered=false",
                elsewhere + " current=false registered=false");

        Curl.Reply emptyPass = curl.postSecret("/identities", "{\"passphrase\": \"\"}");
        assertThat(emptyPass.code()).isEqualTo("INVALID_INPUT");
        Curl.Reply unknown = curl.postSecret("/identities", "{\"password\": \"x\"}");
        assertThat(unknown.code()).isEqualTo("BAD_REQUEST");
      }
    }
  }

  private static String importBody(String keystoreJson, String passphrase) {
    return "{\"keystore\": " + keystoreJson + ", \"passphrase\": \"" + passphrase + "\"}";
  }
}
