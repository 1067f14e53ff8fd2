package network.mysterium.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.net.lab.Host;
import network.mysterium.net.lab.Nat;
import network.mysterium.net.lab.NatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dialogues through a relay across real NAT routers (nftables in network namespaces): a provider
 * behind each kind of NAT registers with a relay on the Internet side, sees that a NAT is in
 * between, and is reached at its allocation by consumers behind each kind, where a consumer sending
 * to the provider's own mapped address is dropped by its router (port-restricted and symmetric
 * filtering). Each node is a process of its own in its namespace.
 */
class RelayNatTest {
  private static final int RELAY_PORT = 7000;
  private static final int MESSAGES = 20;

  private static NatMatrix matrix;
  private static final SecureRandom RANDOM = new SecureRandom();

  @BeforeAll
  static void network() throws IOException {
    matrix = NatMatrix.create();
  }

  @AfterAll
  static void removed() {
    matrix.close();
  }

  /** Its own key, then every public key of the test, then a blank line. */
  private static void keys(LabProcess peer, PrivateKey own, List<PrivateKey> all) throws IOException {
    StringBuilder text = new StringBuilder(Hex.encode(own.toBytes()));
    for (PrivateKey key : all) {
      text.append('\n').append(Hex.encode(key.publicKey().toUncompressed()));
    }
    peer.tell(text.append('\n').toString()); // tell ends the line: a blank line follows
  }

  @Test
  void everyConsumerReachesAProviderBehindEveryKindOfNatThroughTheRelay() throws Exception {
    Host relayHost = matrix.relay();
    String relay = relayHost.address().getHostAddress() + ":" + RELAY_PORT;
    LabProcess relayPeer =
        LabProcess.start(
            relayHost,
            RelayLabPeer.class, "relay", relayHost.address().getHostAddress(), "" + RELAY_PORT);
    assertThat(relayPeer.next(Duration.ofSeconds(30))).startsWith("ready ");

    Map<Nat, PrivateKey> providerKeys = new EnumMap<>(Nat.class);
    Map<Nat, PrivateKey> consumerKeys = new EnumMap<>(Nat.class);
    List<PrivateKey> all = new ArrayList<>();
    for (Nat nat : Nat.values()) {
      providerKeys.put(nat, PrivateKey.generate(RANDOM));
      consumerKeys.put(nat, PrivateKey.generate(RANDOM));
      all.add(providerKeys.get(nat));
      all.add(consumerKeys.get(nat));
    }
    Map<Nat, LabProcess> providers = new EnumMap<>(Nat.class);
    Map<Nat, LabProcess> consumers = new EnumMap<>(Nat.class);
    for (Nat nat : Nat.values()) {
      LabProcess provider =
          LabProcess.start(matrix.provider(nat), RelayLabPeer.class, "provider", relay);
      keys(provider, providerKeys.get(nat), all);
      providers.put(nat, provider);
      LabProcess consumer =
          LabProcess.start(matrix.consumer(nat), RelayLabPeer.class, "consumer");
      keys(consumer, consumerKeys.get(nat), all);
      consumers.put(nat, consumer);
    }

    Map<Nat, String> allocations = new EnumMap<>(Nat.class);
    for (Nat nat : Nat.values()) {
      String[] registered = providers.get(nat).next(Duration.ofSeconds(60)).split(" ");
      // registered <allocation> observed <ip:port> kind <kind>
      assertThat(registered[0]).isEqualTo("registered");
      assertThat(registered[1]).startsWith("udp://" + relayHost.address().getHostAddress() + ":");
      // the relay saw the router's public address, not the provider's own: a NAT in between
      assertThat(registered[3]).startsWith(matrix.providerHome(nat).wan().getHostAddress() + ":");
      assertThat(registered[5]).isEqualTo(Reachability.Kind.THROUGH_RELAY.name());
      allocations.put(nat, registered[1]);
    }
    for (Nat nat : Nat.values()) {
      assertThat(consumers.get(nat).next(Duration.ofSeconds(60))).isEqualTo("ready");
    }

    List<String> cells = new ArrayList<>();
    for (Nat consumerNat : Nat.values()) {
      LabProcess consumer = consumers.get(consumerNat);
      for (Nat providerNat : Nat.values()) {
        consumer.tell(
            "open "
                + providerKeys.get(providerNat).address()
                + " "
                + allocations.get(providerNat)
                + " "
                + MESSAGES);
        String outcome = consumer.next(Duration.ofSeconds(60));
        cells.add(consumerNat + " -> " + providerNat + ": " + outcome);
        assertThat(outcome)
            .as("consumer behind %s, provider behind %s", consumerNat, providerNat)
            .startsWith("ok ")
            .endsWith("echoed " + MESSAGES);
      }
    }
    System.out.println("RELAY MATRIX\n" + String.join("\n", cells));
    for (PrivateKey key : all) {
      key.destroy();
    }
  }
}
