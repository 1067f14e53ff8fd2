package network.mysterium.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Who is at the other end of a loopback connection, read from the kernel's own socket tables. */
class LocalPeersTest {
  @Test
  void tableEntriesAreReadAsTheKernelPrintsThem() throws Exception {
    InetSocketAddress local = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080);
    assertThat(LocalPeers.same("0100007F:1F90", local)).isTrue();
    assertThat(LocalPeers.same("0100007F:1F91", local)).isFalse();
    // a dual-stack socket lists an IPv4 peer as ::ffff:127.0.0.1
    assertThat(LocalPeers.same("0000000000000000FFFF00000100007F:1F90", local)).isTrue();
    assertThat(
            LocalPeers.same(
                "00000000000000000000000001000000:1F90",
                new InetSocketAddress(InetAddress.getByName("::1"), 8080)))
        .isTrue();
    assertThat(LocalPeers.same("garbage", local)).isFalse();
  }

  @Test
  void aConnectionFromThisProcessIsOwnedByItsUserAndOneFromAnotherUserIsNot() throws Exception {
    int own = LocalPeers.ownUid().orElseThrow();
    try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      try (Socket ours = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
          Socket accepted = server.accept()) {
        assertThat(LocalPeers.ownerOf(accepted)).hasValue(own);
        assertThat(LocalPeers.isAnotherUser(accepted)).isFalse();
      }
      // nobody (65534) connects, through bash's /dev/tcp, and holds the connection open a moment
      Process other =
          new ProcessBuilder(
                  "setpriv",
                  "--reuid=65534",
                  "--regid=65534",
                  "--clear-groups",
                  "bash",
                  "-c",
                  "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "; read -t 20 <&3")
              .redirectErrorStream(true)
              .start();
      try (Socket accepted = server.accept()) {
        assertThat(LocalPeers.ownerOf(accepted)).hasValue(65534);
        assertThat(LocalPeers.isAnotherUser(accepted)).isEqualTo(own != 65534);
        accepted.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
      } finally {
        other.waitFor(20, TimeUnit.SECONDS);
        other.destroyForcibly();
      }
    }
  }
}
