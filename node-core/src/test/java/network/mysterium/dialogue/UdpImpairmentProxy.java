package network.mysterium.dialogue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real UDP hop on loopback between two nodes that loses, duplicates and delays (so reorders)
 * datagrams: node A talks to {@link #facingA()}, node B to {@link #facingB()}, and the proxy
 * forwards between them.
 */
final class UdpImpairmentProxy implements AutoCloseable {
  private final DatagramChannel sideA;
  private final DatagramChannel sideB;
  private final InetSocketAddress nodeB;
  private volatile SocketAddress nodeA;
  private final double loss;
  private final double duplication;
  private final int maxDelayMillis;
  private final Random random = new Random(1);
  private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
  private final Thread readerA;
  private final Thread readerB;

  UdpImpairmentProxy(InetSocketAddress nodeB, double loss, double duplication, int maxDelayMillis)
      throws IOException {
    this.nodeB = nodeB;
    this.loss = loss;
    this.duplication = duplication;
    this.maxDelayMillis = maxDelayMillis;
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    sideA = DatagramChannel.open().bind(loopback);
    sideB = DatagramChannel.open().bind(loopback);
    readerA = Thread.ofPlatform().daemon().start(() -> pump(sideA, true));
    readerB = Thread.ofPlatform().daemon().start(() -> pump(sideB, false));
  }

  InetSocketAddress facingA() throws IOException {
    return (InetSocketAddress) sideA.getLocalAddress();
  }

  private void pump(DatagramChannel from, boolean fromA) {
    ByteBuffer buffer = ByteBuffer.allocate(65_536);
    while (from.isOpen()) {
      try {
        buffer.clear();
        SocketAddress source = from.receive(buffer);
        if (fromA) {
          nodeA = source;
        }
        buffer.flip();
        byte[] datagram = new byte[buffer.remaining()];
        buffer.get(datagram);
        forward(datagram, fromA ? sideB : sideA, fromA ? nodeB : nodeA);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void forward(byte[] datagram, DatagramChannel out, SocketAddress to) {
    if (to == null) {
      return;
    }
    int copies;
    synchronized (random) {
      if (random.nextDouble() < loss) {
        return;
      }
      copies = random.nextDouble() < duplication ? 2 : 1;
    }
    for (int i = 0; i < copies; i++) {
      int delay;
      synchronized (random) {
        delay = random.nextInt(maxDelayMillis + 1);
      }
      delays.schedule(
          () -> {
            try {
              out.send(ByteBuffer.wrap(datagram), to);
            } catch (IOException e) {
              // closed: the test is over
            }
          },
          delay,
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() throws IOException {
    delays.shutdownNow();
    sideA.close();
    sideB.close();
    readerA.interrupt();
    readerB.interrupt();
  }
}
