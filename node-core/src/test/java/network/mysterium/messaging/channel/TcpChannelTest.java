package network.mysterium.messaging.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TCP channel against strangers holding connections, idling, or never reading. */
class TcpChannelTest {
  private static final InetSocketAddress LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Contact> heardFrom = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  private TcpChannel channel(TcpChannel.Limits limits) throws IOException {
    TcpChannel channel = TcpChannel.bind(LOOPBACK, limits);
    resources.add(channel);
    channel.start((datagram, from) -> heardFrom.add(from));
    return channel;
  }

  private Socket stranger(String from, TcpChannel channel) throws IOException {
    Socket socket = new Socket();
    resources.add(socket);
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(channel.localContact().address(), 2000);
    return socket;
  }

  private static void frame(Socket socket, int bytes) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeShort(bytes);
    out.write(new byte[bytes]);
    out.flush();
  }

  /** Whether the channel closed this connection: the read ends, within the time given. */
  private static boolean closedByTheChannel(Socket socket, Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // nothing is sent to a stranger that sent nothing
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Test
  void oneAddressHoldsAtMostItsShareOfConnectionsAndOthersStillGetThrough() throws Exception {
    TcpChannel channel =
        channel(new TcpChannel.Limits(64, 4, Duration.ofSeconds(60), Duration.ofSeconds(10), 16));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      held.add(stranger("127.0.0.1", channel));
    }
    await(() -> channel.refusedConnections() == 6, "six connections refused");
    int cut = 0;
    for (Socket s : held) {
      if (closedByTheChannel(s, Duration.ofMillis(200))) {
        cut++;
      }
    }
    assertThat(cut).isEqualTo(6);
    assertThat(channel.openConnections()).isEqualTo(4);

    Socket other = stranger("127.0.0.2", channel);
    frame(other, 100);
    await(
        () ->
            heardFrom.stream()
                .anyMatch(c -> c.address().getAddress().getHostAddress().equals("127.0.0.2")),
        "a frame from 127.0.0.2");
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheIdleTime() throws Exception {
    TcpChannel channel =
        channel(new TcpChannel.Limits(64, 4, Duration.ofMillis(300), Duration.ofSeconds(10), 16));
    Socket idle = stranger("127.0.0.1", channel);
    assertThat(closedByTheChannel(idle, Duration.ofSeconds(10))).isTrue();
    await(() -> channel.openConnections() == 0, "no connection left");
  }

  @Test
  void aPeerThatStopsReadingNeitherBlocksTheSenderNorStaysConnected() throws Exception {
    TcpChannel channel =
        channel(new TcpChannel.Limits(64, 4, Duration.ofSeconds(60), Duration.ofMillis(500), 16));
    Socket deaf = stranger("127.0.0.1", channel);
    deaf.setReceiveBufferSize(4096);
    frame(deaf, 10); // so the channel knows where to answer
    await(() -> !heardFrom.isEmpty(), "the first frame");
    Contact peer = heardFrom.getFirst();

    // 4,000 frames of 60 kB (240 MB) to a peer that reads nothing: far beyond any socket buffer
    Thread sender =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < 4000; i++) {
                    try {
                      channel.send(peer, new byte[60_000]);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }
                });
    sender.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(sender.isAlive()).as("the sends returned without waiting for the peer").isFalse();
    assertThat(channel.droppedFrames()).isPositive();
    await(() -> channel.openConnections() == 0, "the deaf peer cut off");

    Socket next = stranger("127.0.0.1", channel);
    frame(next, 100);
    await(() -> heardFrom.size() >= 2, "a frame from the next peer");
  }

  @Test
  void sendingWhereNobodyListensReturnsAtOnceAndLeavesNothingOpen() throws Exception {
    TcpChannel channel = channel(TcpChannel.Limits.DEFAULT);
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Contact nobody =
        new Contact("tcp", new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort));
    channel.send(nobody, new byte[100]);
    await(() -> channel.openConnections() == 0, "the failed connection gone");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 20 s for " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
