package network.mysterium.dialogue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

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
  private final Impairment impairment;
  private final Thread readerA;
  private final Thread readerB;

  UdpImpairmentProxy(InetSocketAddress nodeB, double loss, double duplication, int maxDelayMillis)
      throws IOException {
    this.nodeB = nodeB;
    this.impairment = new Impairment(loss, duplication, maxDelayMillis, 1);
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
    if (to != null) {
      impairment.carry(
          () -> {
            try {
              out.send(ByteBuffer.wrap(datagram), to);
            } catch (IOException e) {
              // closed: the test is over
            }
          });
    }
  }

  @Override
  public void close() throws IOException {
    impairment.close();
    sideA.close();
    sideB.close();
    readerA.interrupt();
    readerB.interrupt();
  }
}
