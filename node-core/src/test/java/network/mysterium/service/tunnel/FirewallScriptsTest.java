package network.mysterium.service.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import network.mysterium.service.wireguard.IpPrefix;
import org.junit.jupiter.api.Test;

/**
 * The nftables scripts of both sides, in every variant, as the real nft parses them ({@code nft
 * --check}: nothing is loaded). The tunnel tests load them for real; this covers the variants they
 * do not use.
 */
class FirewallScriptsTest {
  @Test
  void theProvidersScriptParsesWithAndWithoutPrivateTargets() throws Exception {
    for (boolean allowPrivate : new boolean[] {true, false}) {
      String script =
          WireGuardBackend.firewall(
              "mysterium_t",
              "myst-wg0",
              new WireGuardBackend.Settings(
                  "myst-wg0", 51820, IpPrefix.parse("10.182.0.0/24"), 1420, allowPrivate));
      assertThat(check(script)).as(script).isEmpty();
      assertThat(script.contains("10.0.0.0/8")).isEqualTo(!allowPrivate);
      assertThat(script).contains("ip saddr 10.182.0.0/24 oifname != \"myst-wg0\" masquerade");
    }
  }

  @Test
  void theConsumersScriptParsesWithAndWithoutTheKillSwitch() throws Exception {
    for (boolean killSwitch : new boolean[] {true, false}) {
      String script =
          WireGuardClient.firewall(
              "mysterium_myst0",
              "myst0",
              new InetSocketAddress("203.0.113.7", 51820),
              new InetSocketAddress("203.0.113.7", 5000),
              InetAddress.ofLiteral("10.182.0.1"),
              killSwitch);
      assertThat(check(script)).as(script).isEmpty();
      assertThat(script.contains("policy drop")).isEqualTo(killSwitch);
      assertThat(script).contains("udp dport 53 dnat ip to 10.182.0.1");
    }
  }

  /** What nft --check says of a script: empty when it parses. */
  private static String check(String script) throws Exception {
    Process nft = new ProcessBuilder("nft", "--check", "-f", "-").redirectErrorStream(true).start();
    try (OutputStream in = nft.getOutputStream()) {
      in.write(script.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(nft.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return nft.exitValue() == 0 ? "" : out;
  }
}
