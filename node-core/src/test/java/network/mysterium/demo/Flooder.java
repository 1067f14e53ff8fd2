package network.mysterium.demo;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The flood for {@link FloodBenchmark}, in a process of its own so that its CPU is not the node's:
 * sends the datagrams of a file (each prefixed by its length), round robin, from 127.0.0.2 to a
 * port on 127.0.0.1 at a rate, until its standard input closes; then prints how many it sent and
 * the CPU it used. {@code Flooder PORT PER_SECOND FILE}
 */
public final class Flooder {
  private Flooder() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long perSecond = Long.parseLong(args[1]);
    List<ByteBuffer> datagrams = read(Path.of(args[2]));
    Thread stdin =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (InputStream in = System.in) {
                    while (in.read() >= 0) {
                      // until the benchmark closes it
                    }
                  } catch (IOException e) {
                    // closed
                  }
                });
    long sent = 0;
    long t0 = System.nanoTime();
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
      channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      int next = 0;
      while (stdin.isAlive()) {
        // paced per millisecond: as many as the rate allows by now
        long due = (System.nanoTime() - t0) * perSecond / 1_000_000_000L;
        while (sent < due) {
          ByteBuffer datagram = datagrams.get(next);
          next = (next + 1) % datagrams.size();
          try {
            channel.write(datagram.duplicate());
          } catch (IOException e) {
            // a refused port (ICMP) or a full buffer: the flood goes on
          }
          sent++;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(200_000); // batches of ~40 at 200k/s
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // Its own CPU, read while it runs: the parent cannot read a process's CPU after it exited.
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    System.out.printf(
        "sent %d in %.3f s, using %.1f s of CPU%n", sent, seconds, os.getProcessCpuTime() / 1e9);
  }

  private static List<ByteBuffer> read(Path file) throws IOException {
    List<ByteBuffer> datagrams = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      while (in.available() > 0) {
        byte[] datagram = new byte[in.readUnsignedShort()];
        in.readFully(datagram);
        datagrams.add(ByteBuffer.wrap(datagram));
      }
    }
    return datagrams;
  }
}
