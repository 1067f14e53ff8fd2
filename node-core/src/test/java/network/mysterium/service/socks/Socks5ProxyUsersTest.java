package network.mysterium.service.socks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import network.mysterium.service.Meter;
import org.junit.jupiter.api.Test;

/**
 * The consumer's local proxy spends its user's money: it greets its own user and closes on anyone
 * else on the machine (here: curl run as nobody), before a byte reaches the provider.
 */
class Socks5ProxyUsersTest {
  @Test
  void anotherLocalUserIsRefusedAndTheOwnUserIsServed() throws Exception {
    // stands in for the provider's exit: it only has to tell whether the proxy came at all
    try (java.nio.channels.ServerSocketChannel exit =
            java.nio.channels.ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Socks5Proxy proxy =
            Socks5Proxy.onLoopback(
                new Socks5Proxy.Exit(
                    (InetSocketAddress) exit.getLocalAddress(), new byte[32], new byte[16]),
                new Meter())) {
      exit.configureBlocking(false);
      Process other =
          new ProcessBuilder(
                  "setpriv",
                  "--reuid=65534",
                  "--regid=65534",
                  "--clear-groups",
                  "curl",
                  "-sS",
                  "--max-time",
                  "10",
                  "--socks5-hostname",
                  "127.0.0.1:" + proxy.address().getPort(),
                  "http://example.invalid/")
              .redirectErrorStream(true)
              .start();
      String said;
      try {
        said = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(other.waitFor(20, TimeUnit.SECONDS)).isTrue();
      } finally {
        other.destroyForcibly();
      }
      assertThat(other.exitValue()).as(said).isNotZero();
      assertThat(proxy.refusedOtherUsers()).isEqualTo(1);
      // curl has exited: had the proxy served it, its connection to the exit would be waiting
      assertThat(exit.accept()).as("the proxy went to the exit for another user").isNull();

      // this user: the SOCKS5 greeting is answered (no authentication)
      try (Socket own = new Socket(InetAddress.getLoopbackAddress(), proxy.address().getPort())) {
        own.setSoTimeout(10_000);
        OutputStream out = own.getOutputStream();
        out.write(new byte[] {5, 1, 0});
        out.flush();
        DataInputStream in = new DataInputStream(own.getInputStream());
        assertThat(in.readUnsignedByte()).isEqualTo(5);
        assertThat(in.readUnsignedByte()).isZero();
        // CONNECT example.invalid:80: the proxy goes to the exit for its own user
        byte[] name = "example.invalid".getBytes(StandardCharsets.US_ASCII);
        out.write(new byte[] {5, 1, 0, 3, (byte) name.length});
        out.write(name);
        out.write(new byte[] {0, 80});
        out.flush();
        exit.configureBlocking(true);
        try (java.nio.channels.SocketChannel came = exit.accept()) {
          assertThat(came).isNotNull();
        }
      }
      assertThat(proxy.refusedOtherUsers()).isEqualTo(1);
    }
  }
}
