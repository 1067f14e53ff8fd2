package network.mysterium.service.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Whether the IP tunnel is allowed, read from the effective capabilities of real processes run with
 * all capabilities, without CAP_NET_ADMIN, and with only it (setpriv); the expected answer is
 * libcap's own decoding of each CapEff ({@code capsh --decode}), not our bit arithmetic. Run as
 * root (as the tunnel tests are).
 */
class HostNetworkCapabilityTest {
  @Test
  void netAdminIsSeenWhereTheProcessHasItAndNotWhereItWasDropped() throws Exception {
    List<String> all = status("setpriv", "--", "cat", "/proc/self/status");
    List<String> without =
        status("setpriv", "--bounding-set=-net_admin", "--", "cat", "/proc/self/status");
    List<String> only =
        status("setpriv", "--bounding-set=-all,+net_admin", "--", "cat", "/proc/self/status");
    assertThat(libcapSaysNetAdmin(all)).as("root has it").isTrue();
    assertThat(libcapSaysNetAdmin(without)).isFalse();
    assertThat(libcapSaysNetAdmin(only)).isTrue();
    assertThat(HostNetwork.netAdminIn(all)).isTrue();
    assertThat(HostNetwork.netAdminIn(without)).isFalse();
    assertThat(HostNetwork.netAdminIn(only)).isTrue();
    assertThat(HostNetwork.netAdminIn(List.of("Name: x"))).isFalse();
    // this JVM, as libcap decodes its own status
    long pid = ProcessHandle.current().pid();
    assertThat(HostNetwork.mayManageNetwork())
        .isEqualTo(libcapSaysNetAdmin(status("cat", "/proc/" + pid + "/status")));
  }

  private static boolean libcapSaysNetAdmin(List<String> status) throws Exception {
    String effective =
        status.stream()
            .filter(l -> l.startsWith("CapEff:"))
            .findFirst()
            .orElseThrow()
            .substring(7)
            .strip();
    String decoded = String.join("\n", status("capsh", "--decode=" + effective));
    return List.of(decoded.substring(decoded.indexOf('=') + 1).split(","))
        .contains("cap_net_admin");
  }

  private static List<String> status(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      return out.lines().toList();
    } finally {
      p.destroyForcibly();
    }
  }
}
