package network.mysterium.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;

class ServiceProposalTest {
  static final Address PROVIDER = Address.parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");

  static ServiceProposal proposal(
      Address provider, long serial, String country, String price, List<String> contacts) {
    return new ServiceProposal(
        ServiceProposal.FORMAT_VERSION,
        provider,
        serial,
        "wireguard",
        new ServiceProposal.Place(country, 3320),
        new ServiceProposal.Place(country, 3320),
        50_000,
        ServiceProposal.Metering.PER_MEGABYTE,
        Myst.parse(price),
        contacts);
  }

  @Test
  void encodesCanonicallyAndDecodesToTheSame() {
    ServiceProposal p =
        proposal(
            PROVIDER,
            3,
            "DE",
            "0.0005",
            List.of("udp://203.0.113.7:5000", "tcp://[2001:db8::1]:443"));
    assertThat(ServiceProposal.decode(p.encode())).isEqualTo(p);
    assertThat(p.encode()).isEqualTo(ServiceProposal.decode(p.encode()).encode());
  }

  @Test
  void invalidProposalsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> proposal(PROVIDER, 1, "XX", "1", List.of("udp://1.2.3.4:5")))
        .hasMessageContaining("country code: 'XX'");
    assertThatThrownBy(() -> proposal(PROVIDER, 0, "DE", "1", List.of("udp://1.2.3.4:5")))
        .hasMessageContaining("serial");
    assertThatThrownBy(() -> proposal(PROVIDER, 1, "DE", "-1", List.of("udp://1.2.3.4:5")))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> proposal(PROVIDER, 1, "DE", "1", List.of()))
        .hasMessageContaining("contacts");
    assertThatThrownBy(() -> proposal(PROVIDER, 1, "DE", "1", List.of("smtp://x:1")))
        .hasMessageContaining("channel type");
    assertThatThrownBy(
            () ->
                new ServiceProposal(
                    1,
                    PROVIDER,
                    1,
                    "socks5",
                    new ServiceProposal.Place("DE", 1),
                    new ServiceProposal.Place("DE", 1),
                    0,
                    ServiceProposal.Metering.PER_SECOND,
                    Myst.ZERO,
                    List.of("udp://1.2.3.4:5")))
        .hasMessageContaining("bandwidth");
    assertThatThrownBy(() -> ServiceProposal.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
