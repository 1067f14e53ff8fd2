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
  private static final short POLLIN = 1;
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
  private volatile boolean closed;

  private LinuxTun(int fd, String name, int mtu) {
    this.fd = fd;
    this.name = name;
    this.mtu = mtu;
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
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(Posix.ERRNO_STATE);
      MemorySegment pollfd = arena.allocate(8); // int fd; short events; short revents
      pollfd.set(ValueLayout.JAVA_INT, 0, fd);
      pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
      int ready = (int) POLL.invokeExact(errno, pollfd, 1L, timeoutMillis);
      if (ready == 0) {
        return 0;
      }
      if (ready < 0) {
        throw Posix.failure("poll on " + name + " failed", errno);
      }
      MemorySegment target = segment(packet, arena);
      long n = (long) Posix.READ.invokeExact(errno, fd, target, (long) packet.remaining());
      if (n < 0) {
        throw Posix.failure("read from " + name + " failed", errno);
      }
      if (!packet.isDirect()) {
        packet.put(packet.position(), target.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
      }
      packet.position(packet.position() + (int) n);
      return (int) n;
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("TUN call failed: " + e, e);
    }
  }

  @Override
  public void write(ByteBuffer packet) throws IOException {
    checkOpen();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(Posix.ERRNO_STATE);
      MemorySegment source = segment(packet, arena);
      if (!packet.isDirect()) {
        MemorySegment.copy(
            packet.array(),
            packet.arrayOffset() + packet.position(),
            source,
            ValueLayout.JAVA_BYTE,
            0,
            packet.remaining());
      }
      long n = (long) Posix.WRITE.invokeExact(errno, fd, source, (long) packet.remaining());
      if (n < 0) {
        throw Posix.failure("write to " + name + " failed", errno);
      }
      packet.position(packet.position() + (int) n);
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("TUN call failed: " + e, e);
    }
  }

  /** The buffer's remaining bytes as native memory: itself when direct, a copy otherwise. */
  private static MemorySegment segment(ByteBuffer packet, Arena arena) {
    return packet.isDirect()
        ? MemorySegment.ofBuffer(packet)
        : arena.allocate(Math.max(1, packet.remaining()));
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
