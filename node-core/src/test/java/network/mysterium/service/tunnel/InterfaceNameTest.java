package network.mysterium.service.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Interface names go into nftables scripts: only what cannot end a string there is taken. */
class InterfaceNameTest {
  @Test
  void namesLinuxTakesWithoutQuotesOrSpacesAreAcceptedAndOthersRefused() {
    for (String good : new String[] {"myst0", "myst-wg0", "wg.1", "a_b", "x23456789012345"}) {
      assertThat(HostNetwork.checkInterfaceName(good)).isEqualTo(good);
    }
    for (String bad :
        new String[] {"", "x234567890123456", "a\"b", "a b", "a/b", "a:b", "é", ".", "..", "a;b"}) {
      assertThatThrownBy(() -> HostNetwork.checkInterfaceName(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1 to 15 letters");
    }
    assertThatThrownBy(
            () -> new WireGuardClient.Settings("x\" accept", true, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new WireGuardBackend.Settings(
                    "a b",
                    51820,
                    network.mysterium.service.wireguard.IpPrefix.parse("10.0.0.0/24"),
                    1420,
                    false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
