package network.mysterium.service.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whether the IP tunnel is allowed, read from the effective capabilities: checked against the
 * status lines of a real process run with and without CAP_NET_ADMIN (setpriv), not hand-written.
 */
class HostNetworkCapabilityTest {
  @Test
  void netAdminIsSeenWhereTheProcessHasItAndNotWhereItWasDropped() throws Exception {
    assertThat(HostNetwork.netAdminIn(status("setpriv", "--", "cat", "/proc/self/status")))
        .isEqualTo(HostNetwork.mayManageNetwork());
    List<String> dropped =
        status("setpriv", "--bounding-set=-net_admin", "--", "cat", "/proc/self/status");
    assertThat(dropped).anyMatch(l -> l.startsWith("CapEff:"));
    assertThat(HostNetwork.netAdminIn(dropped)).isFalse();
    assertThat(HostNetwork.netAdminIn(List.of("Name: x"))).isFalse();
  }

  private static List<String> status(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.lines().toList();
  }
}
