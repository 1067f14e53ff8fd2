package network.mysterium.service.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** How the tunnel runs ip and nft: bounded in time, and without our environment. */
class HostNetworkToolsTest {
  @Test
  void aToolThatHangsIsKilledAtTheTimeoutEvenWhileItHoldsItsOutputOpen() {
    HostNetwork network = new HostNetwork(Duration.ofMillis(500));
    long start = System.nanoTime();
    // prints, then neither exits nor closes stdout: reading to EOF first would hang forever
    assertThatThrownBy(() -> network.runWithInput(null, "sh", "-c", "echo started; exec sleep 60"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not finish");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aToolThatDoesNotReadItsInputDoesNotBlockTheCaller() throws Exception {
    HostNetwork network = new HostNetwork(Duration.ofSeconds(5));
    String big = "x".repeat(4 << 20); // far more than a pipe holds
    assertThat(network.runWithInput(big, "true")).isEmpty();
  }

  @Test
  void childrenSeeNoneOfOurVariablesSoNotThePassphrase() throws Exception {
    // this JVM has many (HOME, JAVA_HOME, whatever surefire set); the child only PATH and LC_ALL
    assertThat(System.getenv()).isNotEmpty();
    Set<String> names =
        new HostNetwork()
            .runWithInput(null, "env")
            .lines()
            .map(l -> l.substring(0, l.indexOf('=')))
            .collect(Collectors.toSet());
    assertThat(names).isSubsetOf("PATH", "LC_ALL", "PWD", "SHLVL", "_");
    assertThat(names).contains("PATH");
  }
}
