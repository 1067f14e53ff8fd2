package network.mysterium.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.relay.Reachability;
import network.mysterium.relay.RelayedChannel;
import org.junit.jupiter.api.Test;

/**
 * The order of a proposal's contacts is the order consumers try them: behind a NAT the relays'
 * allocations come first, since the direct contact would cost each consumer a timeout first.
 */
class ProviderContactsTest {
  private static final Contact BOUND = Contact.parse("udp://0.0.0.0:5000");

  private static RelayedChannel.Registration registration(String relay, int allocatedPort) {
    return new RelayedChannel.Registration(
        new InetSocketAddress(relay, 7000),
        Contact.parse("udp://" + relay + ":" + allocatedPort),
        new InetSocketAddress("198.51.100.9", 40000),
        java.util.Optional.empty());
  }

  private static final List<RelayedChannel.Registration> TWO_RELAYS =
      List.of(registration("203.0.113.5", 7101), registration("203.0.113.6", 7202));

  @Test
  void behindANatTheRelaysAllocationsComeFirstInTheRelaysOrderThenTheDirectContact() {
    Reachability natted = new Reachability(Reachability.Kind.THROUGH_RELAY, TWO_RELAYS, "a NAT");
    assertThat(ProviderContacts.of(BOUND, "198.51.100.9", natted))
        .containsExactly(
            "udp://203.0.113.5:7101", "udp://203.0.113.6:7202", "udp://198.51.100.9:5000");
  }

  @Test
  void withoutANatTheDirectContactComesFirst() {
    Reachability open = new Reachability(Reachability.Kind.PUBLIC, TWO_RELAYS, "no NAT");
    assertThat(ProviderContacts.of(BOUND, "203.0.113.77", open))
        .containsExactly(
            "udp://203.0.113.77:5000", "udp://203.0.113.5:7101", "udp://203.0.113.6:7202");
  }

  @Test
  void withoutRelaysOnlyTheDirectContactIsListed() {
    assertThat(ProviderContacts.of(BOUND, "203.0.113.77", ProviderContacts.DIRECT))
        .containsExactly("udp://203.0.113.77:5000");
    Reachability silent = new Reachability(Reachability.Kind.UNREACHABLE, List.of(), "no answer");
    assertThat(ProviderContacts.of(BOUND, "203.0.113.77", silent))
        .containsExactly("udp://203.0.113.77:5000");
  }

  @Test
  void aLoopbackContactIsLeftOutWhenRelaysCarryTheNode() {
    Reachability natted = new Reachability(Reachability.Kind.THROUGH_RELAY, TWO_RELAYS, "a NAT");
    assertThat(ProviderContacts.of(BOUND, "127.0.0.1", natted))
        .containsExactly("udp://203.0.113.5:7101", "udp://203.0.113.6:7202");
  }
}
