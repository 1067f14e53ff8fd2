package network.mysterium.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;

/**
 * A provider picks its relays from the market in the index's order (cheapest first), never its own,
 * and reads what a relay proposal lists as any identity's word: unusable contacts and a control
 * address named twice are skipped, not trusted.
 */
class MarketRelaysTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Address self = identity();

  private static Address identity() {
    try (PrivateKey key = PrivateKey.generate(RANDOM)) {
      return key.address();
    }
  }

  private static ServiceProposal relay(Address who, String type, String price, String... contacts) {
    ServiceProposal.Place place = new ServiceProposal.Place("DE", 3320);
    return new ServiceProposal(
        ServiceProposal.FORMAT_VERSION,
        who,
        1,
        type,
        place,
        place,
        100_000,
        ServiceProposal.Metering.PER_MEGABYTE,
        Myst.parse(price),
        List.of(contacts));
  }

  @Test
  void picksUpToTheWantedNumberInTheGivenOrderSkippingItsOwn() {
    Address cheap = identity();
    Address middle = identity();
    Address dear = identity();
    List<MarketRelays.Relay> picked =
        MarketRelays.pick(
            List.of(
                relay(self, ServiceTypes.RELAY, "0.0001", "udp://203.0.113.1:7000"),
                relay(cheap, ServiceTypes.RELAY, "0.001", "udp://203.0.113.2:7000"),
                relay(middle, ServiceTypes.RELAY, "0.002", "udp://203.0.113.3:7001"),
                relay(dear, ServiceTypes.RELAY, "0.003", "udp://203.0.113.4:7000")),
            self,
            2);
    assertThat(picked).extracting(MarketRelays.Relay::identity).containsExactly(cheap, middle);
    assertThat(picked)
        .extracting(MarketRelays.Relay::control)
        .containsExactly(
            new InetSocketAddress("203.0.113.2", 7000), new InetSocketAddress("203.0.113.3", 7001));
  }

  @Test
  void skipsOtherServicesUnusableContactsAndAControlAddressNamedTwice() {
    Address socks = identity();
    Address tcpOnly = identity();
    Address anyAddress = identity();
    Address multicast = identity();
    Address first = identity();
    Address copycat = identity();
    Address secondContact = identity();
    List<MarketRelays.Relay> picked =
        MarketRelays.pick(
            List.of(
                relay(socks, ServiceTypes.SOCKS5, "0.0001", "udp://203.0.113.9:7000"),
                relay(tcpOnly, ServiceTypes.RELAY, "0.0001", "tcp://203.0.113.10:7000"),
                relay(anyAddress, ServiceTypes.RELAY, "0.0001", "udp://0.0.0.0:7000"),
                relay(multicast, ServiceTypes.RELAY, "0.0001", "udp://224.0.0.1:7000"),
                relay(first, ServiceTypes.RELAY, "0.001", "udp://203.0.113.2:7000"),
                relay(copycat, ServiceTypes.RELAY, "0.002", "udp://203.0.113.2:7000"),
                relay(
                    secondContact,
                    ServiceTypes.RELAY,
                    "0.003",
                    "tcp://203.0.113.5:7000",
                    "udp://203.0.113.5:7000")),
            self,
            8);
    assertThat(picked)
        .extracting(MarketRelays.Relay::identity)
        .containsExactly(first, secondContact);
    assertThat(picked.get(1).control()).isEqualTo(new InetSocketAddress("203.0.113.5", 7000));
  }

  @Test
  void noneAnnouncedIsNonePicked() {
    assertThat(MarketRelays.pick(List.of(), self, 2)).isEmpty();
    assertThat(
            MarketRelays.pick(
                List.of(relay(self, ServiceTypes.RELAY, "0.001", "udp://203.0.113.1:7000")),
                self,
                2))
        .isEmpty();
  }
}
