package network.mysterium.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.net.lab.Host;
import network.mysterium.net.lab.Nat;
import network.mysterium.net.lab.NatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dialogues through a relay across real NAT routers (nftables in network namespaces): a provider
 * behind each kind of NAT registers with a relay on the Internet side and sees that a NAT is in
 * between; consumers behind each kind open dialogues to it at its allocation, and to a provider
 * with a public address directly. A dialogue that began on the relay then moves to a punched direct
 * path wherever the two routers let one through, and carries the rest of its messages there. Each
 * node is a process of its own in its namespace.
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

  /** Where a cell's dialogue ends up: straight to the provider's router, or on the relay. */
  enum Path {
    DIRECT,
    RELAY
  }

  /**
   * What the two routers allow (RFC 4787), worked out by hand: a punch goes through unless one side
   * maps each destination to a new port and the other filters by port (then neither probe finds an
   * open mapping: port prediction would be needed). A provider with a public address is reached
   * directly without a relay.
   */
  static Path expected(Nat consumer, Nat provider) {
    if (provider == null) {
      return Path.DIRECT;
    }
    boolean consumerSym = consumer == Nat.SYMMETRIC;
    boolean providerSym = provider == Nat.SYMMETRIC;
    if (consumerSym && providerSym) {
      return Path.RELAY;
    }
    if (consumerSym && provider == Nat.PORT_RESTRICTED
        || providerSym && consumer == Nat.PORT_RESTRICTED) {
      return Path.RELAY;
    }
    return Path.DIRECT;
  }

  @Test
  void everyConsumerReachesEveryProviderAndMovesToADirectPathWhereTheRoutersAllowOne()
      throws Exception {
    Host relayHost = matrix.relay();
    String relayIp = relayHost.address().getHostAddress();
    String relay = relayIp + ":" + RELAY_PORT;
    LabProcess relayPeer = LabProcess.start(relayHost, "relay", relayIp, "" + RELAY_PORT);
    assertThat(relayPeer.next(Duration.ofSeconds(30))).startsWith("ready ");

    // providers behind each kind, and one with a public address (key null below)
    List<Nat> providerKinds = new ArrayList<>(List.of(Nat.values()));
    providerKinds.add(null);
    Map<Nat, PrivateKey> consumerKeys = new EnumMap<>(Nat.class);
    Map<Nat, PrivateKey> providerKeys = new java.util.HashMap<>();
    List<PrivateKey> all = new ArrayList<>();
    for (Nat nat : Nat.values()) {
      consumerKeys.put(nat, PrivateKey.generate(RANDOM));
      all.add(consumerKeys.get(nat));
    }
    for (Nat nat : providerKinds) {
      providerKeys.put(nat, PrivateKey.generate(RANDOM));
      all.add(providerKeys.get(nat));
    }
    Map<Nat, LabProcess> providers = new java.util.HashMap<>();
    Map<Nat, LabProcess> consumers = new EnumMap<>(Nat.class);
    for (Nat nat : providerKinds) {
      Host host = nat == null ? matrix.publicProvider() : matrix.provider(nat);
      LabProcess provider = LabProcess.start(host, "provider", relay);
      LabProcess.keys(provider, providerKeys.get(nat), all);
      providers.put(nat, provider);
    }
    for (Nat nat : Nat.values()) {
      LabProcess consumer = LabProcess.start(matrix.consumer(nat), "consumer");
      LabProcess.keys(consumer, consumerKeys.get(nat), all);
      consumers.put(nat, consumer);
    }

    Map<Nat, String> contacts = new java.util.HashMap<>();
    Map<Nat, String> homes = new java.util.HashMap<>();
    for (Nat nat : providerKinds) {
      String[] registered = providers.get(nat).next(Duration.ofSeconds(60)).split(" ");
      // registered <allocation> observed <ip:port> kind <kind> port <port>
      assertThat(registered[0]).isEqualTo("registered");
      assertThat(registered[1]).startsWith("udp://" + relayIp + ":");
      if (nat == null) {
        String own = matrix.publicProvider().address().getHostAddress();
        assertThat(registered[3]).startsWith(own + ":");
        assertThat(registered[5]).isEqualTo(Reachability.Kind.PUBLIC.name());
        contacts.put(nat, "udp://" + own + ":" + registered[7]);
        homes.put(nat, own);
      } else {
        // the relay saw the router's public address, not the provider's own: a NAT in between
        String wan = matrix.providerHome(nat).wan().getHostAddress();
        assertThat(registered[3]).startsWith(wan + ":");
        assertThat(registered[5]).isEqualTo(Reachability.Kind.THROUGH_RELAY.name());
        contacts.put(nat, registered[1]);
        homes.put(nat, wan);
      }
    }
    for (Nat nat : Nat.values()) {
      assertThat(consumers.get(nat).next(Duration.ofSeconds(60))).isEqualTo("ready");
    }

    List<String> cells = new ArrayList<>();
    for (Nat consumerNat : Nat.values()) {
      LabProcess consumer = consumers.get(consumerNat);
      for (Nat providerNat : providerKinds) {
        consumer.tell(
            "open "
                + providerKeys.get(providerNat).address()
                + " "
                + contacts.get(providerNat)
                + " "
                + MESSAGES);
        String outcome = consumer.next(Duration.ofSeconds(90));
        String cell = consumerNat + " -> " + (providerNat == null ? "PUBLIC" : providerNat);
        cells.add(cell + ": " + outcome);
        // ok <address> opened-ms N path <contact> path-ms N echoed N
        String[] words = outcome.split(" ");
        assertThat(outcome).as(cell).startsWith("ok ").endsWith("echoed " + 2 * MESSAGES);
        String host = Contact.parse(words[5]).address().getAddress().getHostAddress();
        Path path = host.equals(relayIp) ? Path.RELAY : Path.DIRECT;
        assertThat(path)
            .as(cell + ", on " + words[5])
            .isEqualTo(expected(consumerNat, providerNat));
        if (path == Path.DIRECT) {
          assertThat(host).as(cell).isEqualTo(homes.get(providerNat));
        }
      }
    }
    System.out.println("NAT MATRIX\n" + String.join("\n", cells));
    for (PrivateKey key : all) {
      key.destroy();
    }
  }
}
