package network.mysterium.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.net.lab.Host;
import network.mysterium.net.lab.Nat;
import network.mysterium.net.lab.NatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SOCKS5 data path through a relay across real NAT routers (nftables in network namespaces): a
 * provider behind a symmetric NAT (no inbound path of any kind) runs its exit behind the relay's
 * TCP splice, and consumers behind every kind of NAT fetch a page from a web server on the Internet
 * side through it, the bytes checked by their SHA-256. Each party is a process in its namespace.
 */
class RelaySocksNatTest {
  private static final int RELAY_PORT = 7000;
  private static final int WEB_PORT = 8080;
  private static final int PAGE_BYTES = 4 * 1024 * 1024;

  private static NatMatrix matrix;

  @BeforeAll
  static void network() throws IOException {
    matrix = NatMatrix.create();
  }

  @AfterAll
  static void removed() {
    matrix.close();
  }

  @Test
  void consumersBehindEveryKindOfNatFetchThroughAProviderBehindASymmetricNat() throws Exception {
    Host relayHost = matrix.relay();
    LabProcess relay =
        LabProcess.start(
            relayHost,
            RelayLabPeer.class,
            "relay",
            relayHost.address().getHostAddress(),
            "" + RELAY_PORT);
    assertThat(relay.next(Duration.ofSeconds(30))).startsWith("ready ");
    Host webHost = matrix.publicProvider();
    LabProcess web =
        LabProcess.start(webHost, RelaySocksLabPeer.class, "web", "" + WEB_PORT, "" + PAGE_BYTES);
    String[] served = web.next(Duration.ofSeconds(30)).split(" ");
    assertThat(served[0]).isEqualTo("ready");
    String pageSha256 = served[2];

    PrivateKey key = PrivateKey.generate(new SecureRandom());
    LabProcess provider =
        LabProcess.start(
            matrix.provider(Nat.SYMMETRIC),
            RelaySocksLabPeer.class,
            "provider",
            relayHost.address().getHostAddress() + ":" + RELAY_PORT);
    provider.tell(Hex.encode(key.toBytes()));
    key.destroy();
    // exit <ip:port> kind <kind> pin <hex> session <hex>
    String[] offer = provider.next(Duration.ofSeconds(60)).split(" ");
    assertThat(offer[0]).isEqualTo("exit");
    assertThat(offer[3]).isEqualTo(Reachability.Kind.THROUGH_RELAY.name());
    // behind the NAT, the exit is offered at the relay's TCP port
    assertThat(offer[1]).startsWith(relayHost.address().getHostAddress() + ":");

    List<String> cells = new ArrayList<>();
    for (Nat nat : Nat.values()) {
      LabProcess consumer =
          LabProcess.start(matrix.consumer(nat), RelaySocksLabPeer.class, "consumer");
      assertThat(consumer.next(Duration.ofSeconds(30))).isEqualTo("ready");
      consumer.tell(
          "fetch "
              + offer[1]
              + " "
              + offer[5]
              + " "
              + offer[7]
              + " "
              + webHost.address().getHostAddress()
              + ":"
              + WEB_PORT);
      String outcome = consumer.next(Duration.ofSeconds(60));
      cells.add(nat + " -> SYMMETRIC: " + outcome);
      assertThat(outcome)
          .as("consumer behind %s", nat)
          .startsWith("fetched " + PAGE_BYTES + " sha256 " + pageSha256 + " ");
    }
    // the exit metered every page it sent, as for a consumer connected to it directly (it counts
    // a chunk just after writing it on: asked again until the last one is in)
    long all = (long) PAGE_BYTES * Nat.values().length;
    long metered = 0;
    for (int ask = 0; ask < 50 && metered < all; ask++) {
      provider.tell("meter");
      metered = Long.parseLong(provider.next(Duration.ofSeconds(10)).split(" ")[2]);
    }
    System.out.println("SOCKS THROUGH RELAY\n" + String.join("\n", cells) + "\nmetered " + metered);
    assertThat(metered).isGreaterThanOrEqualTo(all);
  }
}
