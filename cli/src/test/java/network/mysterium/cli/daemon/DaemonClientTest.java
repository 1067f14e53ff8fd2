package network.mysterium.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import network.mysterium.node.NodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether a daemon runs is whether its socket accepts a connection: no socket file, or one a killed
 * daemon left behind, is no daemon (the command then starts its own node).
 */
class DaemonClientTest {
  @TempDir Path dataDir;

  @Test
  void noSocketIsNoDaemon() throws Exception {
    assertThat(DaemonClient.ifRunning(dataDir)).isEmpty();
  }

  @Test
  void aSocketFileNobodyListensOnIsNoDaemon() throws Exception {
    Path socket = dataDir.resolve("api.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
    } // closed: the file stays, as after a SIGKILL
    assertThat(socket).exists();
    assertThat(DaemonClient.ifRunning(dataDir)).isEmpty();
  }

  @Test
  void aListeningSocketIsADaemon() throws Exception {
    Path socket = dataDir.resolve("api.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      var found = DaemonClient.ifRunning(dataDir);
      assertThat(found).isPresent();
      try (DaemonClient client = found.get()) {
        assertThat(client.socket()).isEqualTo(socket.toAbsolutePath());
      }
    } finally {
      Files.deleteIfExists(socket);
    }
  }

  @Test
  void anApiErrorKeepsItsCodeAndNamesTheNodesCodeOfTheSameName() {
    assertThat(new DaemonError("ALREADY_CONNECTED", "x").nodeCode())
        .contains(NodeException.Code.ALREADY_CONNECTED);
    assertThat(new DaemonError("FORBIDDEN_ORIGIN", "x").nodeCode()).isEmpty();
  }
}
