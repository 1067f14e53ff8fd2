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
    if (args[0].equals("busy")) {
      busy(Double.parseDouble(args[1]));
      return;
    }
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

  /**
   * The reference for the floods: burns about {@code cores} of CPU (whole threads spinning, one
   * more on a duty cycle) and sends nothing, so that a flood's cost to the consumers can be told
   * apart from the CPU it takes away on a small machine. {@code Flooder busy CORES}
   */
  private static void busy(double cores) throws Exception {
    long t0 = System.nanoTime();
    java.util.concurrent.atomic.AtomicBoolean on =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    List<Thread> spinners = new ArrayList<>();
    for (double left = cores; left > 0; left -= 1) {
      double duty = Math.min(1, left);
      spinners.add(
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    long x = 0;
                    while (on.get()) {
                      long start = System.nanoTime();
                      while (System.nanoTime() - start < 10_000_000L * duty) {
                        x += start ^ x; // work the JIT cannot drop
                      }
                      if (duty < 1) {
                        java.util.concurrent.locks.LockSupport.parkNanos(
                            (long) (10_000_000L * (1 - duty)));
                      }
                    }
                    if (x == 42) {
                      System.err.print("");
                    }
                  }));
    }
    try (InputStream in = System.in) {
      while (in.read() >= 0) {
        // until the benchmark closes it
      }
    }
    on.set(false);
    for (Thread t : spinners) {
      t.join();
    }
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    System.out.printf(
        "busy for %.3f s, using %.1f s of CPU%n",
        (System.nanoTime() - t0) / 1e9, os.getProcessCpuTime() / 1e9);
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
