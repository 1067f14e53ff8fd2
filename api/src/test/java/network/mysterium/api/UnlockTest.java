package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.identity.KdfParams;
import network.mysterium.identity.Keystore;
import network.mysterium.identity.KeystoreV3;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.node.NodeConfig;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon started locked serves only its keystore until a program unlocks an identity through the
 * API; unlocking another switches the node (the event stream follows it), locking stops it, and the
 * data directory stays the host's throughout. A node its program owns cannot be switched.
 */
class UnlockTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path temp;

  @Test
  void aLockedDaemonIsUnlockedSwitchedAndLockedAgainThroughTheApi() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {})) {
      Path dataDir = temp.resolve("daemon");
      Keystore keystore =
          new Keystore(new DataDirectory(dataDir), KdfParams.LIGHT, RANDOM, Clock.systemUTC());
      Address first = stored(network, keystore, "first pass");
      Address second = stored(network, keystore, "second pass");
      NodeConfig config = config(network, dataDir);
      try (NodeHost host = NodeHost.open(config);
          ApiServer api = ApiServer.start(host, ApiServer.Options.defaults(dataDir));
          EventsClient events = new EventsClient(api.unixSocket())) {
        Curl curl = Curl.unix(api.unixSocket());
        // locked: the keystore answers, a route that needs the node says so by code
        Curl.Reply locked = curl.get("/connection");
        assertThat(locked.status()).as(locked.body()).isEqualTo(423);
        assertThat(locked.code()).isEqualTo("LOCKED");
        Curl.Reply listed = curl.get("/identities");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.json().path("identities").findValuesAsText("address"))
            .containsExactlyInAnyOrder(first.toString(), second.toString());
        assertThat(listed.json().path("identities").findValues("current"))
            .allMatch(current -> !current.asBoolean());
        // the directory is the host's even while no node runs on it
        assertThatThrownBy(() -> Node.start(config, network.newIdentity(Myst.ZERO, Myst.ZERO)))
            .isInstanceOfSatisfying(
                NodeException.class,
                e -> assertThat(e.code()).isEqualTo(NodeException.Code.DATA_DIR_IN_USE));

        Curl.Reply wrong = unlock(curl, first, "not it");
        assertThat(wrong.status()).as(wrong.body()).isEqualTo(422);
        assertThat(wrong.code()).isEqualTo("WRONG_PASSPHRASE");
        assertThat(wrong.body()).doesNotContain("not it");
        Curl.Reply unknown = unlock(curl, Address.parse("0x" + "ab".repeat(20)), "first pass");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("UNKNOWN_IDENTITY");
        assertThat(curl.get("/connection").code()).isEqualTo("LOCKED");

        Curl.Reply unlocked = unlock(curl, first, "first pass");
        assertThat(unlocked.status()).as(unlocked.body()).isEqualTo(200);
        assertThat(unlocked.text("address")).isEqualTo(first.toString());
        assertThat(unlocked.body()).doesNotContain("first pass");
        assertThat(curl.get("/identity").text("address")).isEqualTo(first.toString());
        assertThat(curl.get("/connection").status()).isEqualTo(200);
        // unlocking what runs checks the passphrase and changes nothing
        Node running = host.current();
        assertThat(unlock(curl, first, "wrong again").code()).isEqualTo("WRONG_PASSPHRASE");
        assertThat(unlock(curl, first, "first pass").status()).isEqualTo(200);
        assertThat(host.current()).isSameAs(running);

        Curl.Reply switched = unlock(curl, second, "second pass");
        assertThat(switched.status()).as(switched.body()).isEqualTo(200);
        assertThat(curl.get("/identity").text("address")).isEqualTo(second.toString());
        Curl.Reply now = curl.get("/identities");
        assertThat(now.json().path("identities"))
            .filteredOn(row -> row.path("current").asBoolean())
            .extracting(row -> row.path("address").asText())
            .containsExactly(second.toString());

        Curl.Reply lock = curl.post("/identity/lock", "{}");
        assertThat(lock.status()).as(lock.body()).isEqualTo(200);
        assertThat(curl.get("/wallet").code()).isEqualTo("LOCKED");

        // one stream, opened while locked, followed each node: told every switch, and then the
        // new node's own state (its connection, from its subscription)
        ApiNode.await(
            () -> events.named("identity").size() >= 3, Duration.ofSeconds(10), "switch events");
        List<String> identities =
            events.named("identity").stream()
                .map(
                    e ->
                        e.data().path("address").isNull()
                            ? "locked"
                            : e.data().path("address").asText())
                .toList();
        assertThat(identities).containsExactly(first.toString(), second.toString(), "locked");
        List<String> order = events.events().stream().map(EventsClient.Event::name).toList();
        int switchedTo = order.indexOf("identity");
        assertThat(order.subList(switchedTo + 1, order.size())).contains("connection");
      }
    }
  }

  @Test
  void aNodeItsProgramOwnsIsNotSwitchedThroughTheApi() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        ApiNode node =
            ApiNode.start(
                network,
                temp.resolve("app"),
                network.newIdentity(Myst.parse("1"), Myst.ZERO),
                c -> c.withKeystoreKdf(KdfParams.LIGHT),
                o -> o)) {
      Curl.Reply created = node.curl.postSecret("/identities", "{\"passphrase\": \"other\"}");
      Address other = Address.parse(created.text("address"));
      Curl.Reply refused = unlock(node.curl, other, "other");
      assertThat(refused.status()).as(refused.body()).isEqualTo(409);
      assertThat(refused.code()).isEqualTo("IDENTITY_FIXED");
      assertThat(node.curl.post("/identity/lock", "{}").code()).isEqualTo("IDENTITY_FIXED");
      assertThat(node.curl.get("/identity").text("address"))
          .isEqualTo(node.node.address().toString());
    }
  }

  /** A registered identity, stored in the daemon's keystore under {@code passphrase}. */
  private static Address stored(LocalNetwork network, Keystore keystore, String passphrase)
      throws Exception {
    try (PrivateKey key = network.newIdentity(Myst.parse("1"), Myst.ZERO)) {
      Path file = keystore.directory().resolveSibling("import-" + key.address() + ".json");
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.writeString(
          file, KeystoreV3.encrypt(key, passphrase.toCharArray(), KdfParams.LIGHT, RANDOM));
      Address address = keystore.importFile(file, passphrase.toCharArray());
      java.nio.file.Files.delete(file);
      return address;
    }
  }

  private static Curl.Reply unlock(Curl curl, Address address, String passphrase) throws Exception {
    return curl.postSecret(
        "/identities/" + address + "/unlock", "{\"passphrase\": \"" + passphrase + "\"}");
  }

  private static NodeConfig config(LocalNetwork network, Path dataDir) {
    return NodeConfig.of(dataDir, URI.create(network.rpcUrl()))
        .withDeploymentFile(network.deploymentFile())
        .withListen(Contact.parse("udp://127.0.0.1:0"))
        .withKeystoreKdf(KdfParams.LIGHT);
  }
}
