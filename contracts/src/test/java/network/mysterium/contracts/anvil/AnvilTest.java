package network.mysterium.contracts.anvil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AnvilExtension.class)
class AnvilTest {
  @Test
  void answersOnLoopbackWithItsChainId(Anvil anvil) throws Exception {
    assertThat(anvil.rpcUrl().getHost()).isEqualTo("127.0.0.1");
    assertThat(Long.decode(anvil.call("eth_chainId").asText())).isEqualTo(Anvil.DEFAULT_CHAIN_ID);
  }

  @Test
  void minesSnapshotsAndReverts(Anvil anvil) throws Exception {
    long start = anvil.blockNumber();
    String snapshot = anvil.snapshot();
    anvil.mine(5);
    assertThat(anvil.blockNumber()).isEqualTo(start + 5);
    anvil.revert(snapshot);
    assertThat(anvil.blockNumber()).isEqualTo(start);
  }

  @Test
  void devAccountsAreFunded(Anvil anvil) throws Exception {
    String first = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    assertThat(
            new BigInteger(anvil.call("eth_getBalance", first, "latest").asText().substring(2), 16))
        .isGreaterThan(BigInteger.TEN.pow(21));
  }

  @Test
  void rpcErrorsAreReportedWithTheMethod(Anvil anvil) {
    assertThatThrownBy(() -> anvil.call("no_such_method"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("no_such_method failed");
  }

  @Test
  void closeStopsTheProcessWeStarted() throws Exception {
    Anvil own = Anvil.start(AnvilExtension.binary(), 4242);
    long pid = own.pid();
    assertThat(ProcessHandle.of(pid)).isPresent();
    assertThat(Long.decode(own.call("eth_chainId").asText())).isEqualTo(4242);
    own.close();
    assertThat(own.isAlive()).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThatThrownBy(() -> own.call("eth_chainId")).isInstanceOf(IOException.class);
  }
}
