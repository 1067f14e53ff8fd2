package network.mysterium.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The kernel's queue lengths of real loopback connections, as the tables list them. */
@EnabledOnOs(OS.LINUX)
class TcpQueuesTest {
  @Test
  void bytesReceivedAndNotReadAreUnreadOnTheReceiverAndAcknowledgedOnTheSender() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket sender = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket receiver = server.accept()) {
      byte[] sent = new byte[12_345];
      sender.getOutputStream().write(sent);
      await(() -> TcpQueues.read().of(receiver).map(q -> q.unread() == sent.length).orElse(false));
      assertThat(TcpQueues.read().of(sender).orElseThrow().unacknowledged()).isZero();
      receiver.getInputStream().readNBytes(sent.length);
      await(() -> TcpQueues.read().of(receiver).orElseThrow().unread() == 0);
    }
  }

  @Test
  void whatAPeerThatStopsReadingCannotTakeStaysUnacknowledgedOnTheSender() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket sender = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket receiver = server.accept()) {
      receiver.setReceiveBufferSize(64 * 1024); // the window stays small: the sender's queue fills
      sender.setSoTimeout(1);
      long[] written = {0};
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      OutputStream out = sender.getOutputStream();
                      byte[] chunk = new byte[16 * 1024];
                      while (true) {
                        out.write(chunk);
                        written[0] += chunk.length;
                      }
                    } catch (Exception e) {
                      // closed at the end
                    }
                  });
      await(
          () -> {
            TcpQueues now = TcpQueues.read();
            return now.of(sender).orElseThrow().unacknowledged() > 0
                && now.of(receiver).orElseThrow().unread() > 0;
          });
      TcpQueues now = TcpQueues.read();
      // what sits in each queue is at most what was handed to the kernel (not their sum: a
      // segment delivered but not yet acknowledged is in both, until the sender sees the ack)
      long unacknowledged = now.of(sender).orElseThrow().unacknowledged();
      long unread = now.of(receiver).orElseThrow().unread();
      sender.close();
      writer.join();
      long handedOver = written[0] + 16 * 1024; // a chunk may be half written at the close
      assertThat(unacknowledged).isPositive().isLessThanOrEqualTo(handedOver);
      assertThat(unread).isPositive().isLessThanOrEqualTo(handedOver);
    }
  }

  @Test
  void aSocketTheKernelDoesNotListHasNoQueues() throws Exception {
    try (Socket unconnected = new Socket()) {
      assertThat(TcpQueues.read().of(unconnected)).isEmpty();
    }
  }

  @Test
  void malformedLinesAreSkipped() {
    assertThat(TcpQueues.parse("")).isEmpty();
    assertThat(TcpQueues.parse("0: 0100007F:1F90 0100007F:D431 01 zz:00 0 0 0")).isEmpty();
    assertThat(TcpQueues.parse("0: 0100007F:1F90 0100007F:D431 0A 00000000:00000001")).isEmpty();
    assertThat(TcpQueues.parse("0: 0100007F:1F90 0100007F:D431 07 00000000:00000001")).isEmpty();
    assertThat(TcpQueues.parse("0: 0100007F:1F90 0100007F:D431 05 00000003:00000000")).isPresent();
    assertThat(TcpQueues.parse("0: 0100007F:1F90 0100007F:D431 01 00000010:00000020"))
        .hasValueSatisfying(
            e -> assertThat(e.getValue()).isEqualTo(new TcpQueues.Queued(0x10, 0x20)));
  }

  private static void await(BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
