package network.mysterium.messaging.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's one UDP socket is shared by every thread that sends: a sender that is interrupted (a
 * notice thread stopped while a dialogue flushed) must not close it for everyone. A blocking NIO
 * channel closes itself on an interrupted I/O call; the node would then hear nothing again.
 */
class UdpChannelTest {
  private static final InetSocketAddress LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final List<String> received = new CopyOnWriteArrayList<>();
  private UdpChannel node;
  private UdpChannel peer;

  @AfterEach
  void close() {
    if (node != null) {
      node.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  @Test
  void anInterruptedSenderLeavesTheSocketOpenForEveryoneElse() throws Exception {
    node = UdpChannel.bind(LOOPBACK);
    peer = UdpChannel.bind(LOOPBACK);
    node.start((datagram, from) -> {});
    peer.start((datagram, from) -> received.add(new String(datagram, StandardCharsets.UTF_8)));

    // interrupted before its send, and interrupted while sending many (as a stop interrupts)
    Thread.currentThread().interrupt();
    try {
      node.send(peer.localContact(), bytes("while interrupted"));
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt is the caller's, kept").isTrue();
    }
    CountDownLatch sending = new CountDownLatch(1);
    Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  sending.countDown();
                  for (int i = 0; i < 20_000 && !Thread.currentThread().isInterrupted(); i++) {
                    try {
                      node.send(peer.localContact(), bytes("burst"));
                    } catch (java.io.IOException e) {
                      return;
                    }
                  }
                });
    sending.await();
    sender.interrupt();
    sender.join(TimeUnit.SECONDS.toMillis(10));

    // the node's socket still sends and still receives
    node.send(peer.localContact(), bytes("after"));
    await(() -> received.contains("after"), "a datagram sent after the interrupts");
    assertThat(received).contains("while interrupted");
    List<String> toNode = new CopyOnWriteArrayList<>();
    node.close();
    node = UdpChannel.bind(LOOPBACK);
    node.start((datagram, from) -> toNode.add(new String(datagram, StandardCharsets.UTF_8)));
    Thread.currentThread().interrupt();
    try {
      peer.send(node.localContact(), bytes("to the node"));
    } finally {
      Thread.interrupted();
    }
    peer.send(node.localContact(), bytes("to the node, again"));
    await(() -> toNode.contains("to the node, again"), "the peer's socket kept too");
  }

  @Test
  void closeEndsTheReaderAndFreesThePort() throws Exception {
    node = UdpChannel.bind(LOOPBACK);
    node.start((datagram, from) -> {});
    InetSocketAddress bound = node.localContact().address();
    node.close();
    node = UdpChannel.bind(bound); // the port is free again
    assertThat(node.localContact().address().getPort()).isEqualTo(bound.getPort());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void await(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(10);
    }
  }
}
