package network.mysterium.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code /dev/net/tun} on Linux through the FFM API: a TUN device without packet information
 * ({@code IFF_TUN | IFF_NO_PI}), its MTU set with {@code SIOCSIFMTU}, packets read after {@code
 * poll} (so a reader never blocks past a timeout, and {@link #close()} is prompt). Addresses and
 * routes are the caller's (e.g. {@code ip}); needs CAP_NET_ADMIN.
 */
public final class LinuxTun implements TunDevice {
  // From <linux/if_tun.h>, <linux/sockios.h>, <fcntl.h>, <poll.h>, <sys/socket.h>.
  private static final long TUNSETIFF = 0x400454caL;
  private static final long SIOCSIFMTU = 0x8922L;
  private static final short IFF_TUN = 0x0001;
  private static final short IFF_NO_PI = 0x1000;
  private static final int O_RDWR = 2;
  private static final int O_CLOEXEC = 0x80000;
  private static final int IFNAMSIZ = 16;
  private static final int IFREQ_SIZE = 40;

  private static final MethodHandle OPEN =
      Posix.function(
          "open",
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle POLL = // nfds_t is unsigned long on Linux
      Posix.function(
          "poll",
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_INT));

  private final int fd;
  private final String name;
  private final int mtu;
  private final Posix.Scratch reading; // one thread reads, one writes (TunDevice)
  private final Posix.Scratch writing;
  private volatile boolean closed;

  private LinuxTun(int fd, String name, int mtu) {
    this.fd = fd;
    this.name = name;
    this.mtu = mtu;
    this.reading = new Posix.Scratch(fd);
    this.writing = new Posix.Scratch(fd);
  }

  /**
   * Creates (or attaches to) the TUN device {@code name} (at most 15 bytes; "" lets the kernel pick
   * one) and sets its MTU.
   */
  public static LinuxTun open(String name, int mtu) throws IOException {
    byte[] asked = name.getBytes(StandardCharsets.US_ASCII);
    if (asked.length >= IFNAMSIZ) {
      throw new IllegalArgumentException("an interface name has at most 15 characters: " + name);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(Posix.ERRNO_STATE);
      int fd =
          (int) OPEN.invokeExact(errno, arena.allocateFrom("/dev/net/tun"), O_RDWR | O_CLOEXEC);
      if (fd < 0) {
        throw Posix.failure(
            "cannot open /dev/net/tun (needs CAP_NET_ADMIN and the tun module)", errno);
      }
      MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
      MemorySegment.copy(asked, 0, ifreq, ValueLayout.JAVA_BYTE, 0, asked.length);
      ifreq.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
      if ((int) Posix.IOCTL.invokeExact(errno, fd, TUNSETIFF, ifreq) < 0) {
        Posix.closeQuietly(errno, fd);
        throw Posix.failure("cannot create the TUN device " + name, errno);
      }
      String given = ifreq.getString(0, StandardCharsets.US_ASCII);
      try {
        Posix.setMtu(arena, errno, given, mtu, SIOCSIFMTU, IFREQ_SIZE);
      } catch (IOException e) {
        Posix.closeQuietly(errno, fd);
        throw e;
      }
      return new LinuxTun(fd, given, mtu);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("TUN call failed: " + e, e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public int read(ByteBuffer packet, int timeoutMillis) throws IOException {
    checkOpen();
    try {
      if (!Posix.awaitReadable(POLL, true, reading, timeoutMillis, name)) {
        return 0;
      }
      if (packet.isDirect()) { // the hot path: no copy, no allocation
        return (int) read(MemorySegment.ofBuffer(packet), packet);
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment target = arena.allocate(Math.max(1, packet.remaining()));
        int start = packet.position();
        long n = read(target, packet);
        packet.put(start, target.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
        return (int) n;
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("TUN call failed: " + e, e);
    }
  }

  private long read(MemorySegment target, ByteBuffer packet) throws Throwable {
    long n = (long) Posix.READ.invokeExact(reading.errno, fd, target, (long) packet.remaining());
    if (n < 0) {
      throw Posix.failure("read from " + name + " failed", reading.errno);
    }
    packet.position(packet.position() + (int) n);
    return n;
  }

  @Override
  public void write(ByteBuffer packet) throws IOException {
    checkOpen();
    try {
      if (packet.isDirect()) { // the hot path: no copy, no allocation
        write(MemorySegment.ofBuffer(packet), packet);
        return;
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment source = arena.allocate(Math.max(1, packet.remaining()));
        MemorySegment.copy(
            packet.array(),
            packet.arrayOffset() + packet.position(),
            source,
            ValueLayout.JAVA_BYTE,
            0,
            packet.remaining());
        write(source, packet);
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("TUN call failed: " + e, e);
    }
  }

  private void write(MemorySegment source, ByteBuffer packet) throws Throwable {
    long n = (long) Posix.WRITE.invokeExact(writing.errno, fd, source, (long) packet.remaining());
    if (n < 0) {
      throw Posix.failure("write to " + name + " failed", writing.errno);
    }
    packet.position(packet.position() + (int) n);
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("TUN device " + name + " is closed");
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    Posix.close(fd, name);
  }
}
