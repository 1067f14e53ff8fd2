package network.mysterium.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
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
  private static final int AF_INET = 2;
  private static final int SOCK_DGRAM = 2;
  private static final int IFNAMSIZ = 16;
  private static final int IFREQ_SIZE = 40;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final MethodHandle OPEN =
      function(
          "open",
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle IOCTL =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("ioctl"),
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_LONG,
              ValueLayout.ADDRESS),
          Linker.Option.firstVariadicArg(2),
          CAPTURE_ERRNO);
  private static final MethodHandle SOCKET =
      function(
          "socket",
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT));
  private static final MethodHandle READ =
      function(
          "read",
          FunctionDescriptor.of(
              ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_LONG));
  private static final MethodHandle WRITE =
      function(
          "write",
          FunctionDescriptor.of(
              ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_LONG));
  private static final MethodHandle POLL =
      function(
          "poll",
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE =
      function("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

  private final int fd;
  private final String name;
  private final int mtu;
  private volatile boolean closed;

  private LinuxTun(int fd, String name, int mtu) {
    this.fd = fd;
    this.name = name;
    this.mtu = mtu;
  }

  private static MethodHandle function(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name), descriptor, CAPTURE_ERRNO);
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
      MemorySegment errno = arena.allocate(ERRNO_STATE);
      int fd =
          (int) OPEN.invokeExact(errno, arena.allocateFrom("/dev/net/tun"), O_RDWR | O_CLOEXEC);
      if (fd < 0) {
        throw failure("cannot open /dev/net/tun (needs CAP_NET_ADMIN and the tun module)", errno);
      }
      MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
      MemorySegment.copy(asked, 0, ifreq, ValueLayout.JAVA_BYTE, 0, asked.length);
      ifreq.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
      if ((int) IOCTL.invokeExact(errno, fd, TUNSETIFF, ifreq) < 0) {
        int ignored = (int) CLOSE.invokeExact(errno, fd);
        throw failure("cannot create the TUN device " + name, errno);
      }
      String given = ifreq.getString(0, StandardCharsets.US_ASCII);
      try {
        setMtu(arena, errno, given, mtu);
      } catch (IOException e) {
        int ignored = (int) CLOSE.invokeExact(errno, fd);
        throw e;
      }
      return new LinuxTun(fd, given, mtu);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("TUN call failed: " + e, e);
    }
  }

  private static void setMtu(Arena arena, MemorySegment errno, String name, int mtu)
      throws Throwable {
    int socket = (int) SOCKET.invokeExact(errno, AF_INET, SOCK_DGRAM, 0);
    if (socket < 0) {
      throw failure("cannot open a socket to set the MTU", errno);
    }
    try {
      MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
      byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
      MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, bytes.length);
      ifreq.set(ValueLayout.JAVA_INT, IFNAMSIZ, mtu);
      if ((int) IOCTL.invokeExact(errno, socket, SIOCSIFMTU, ifreq) < 0) {
        throw failure("cannot set the MTU of " + name + " to " + mtu, errno);
      }
    } finally {
      int ignored = (int) CLOSE.invokeExact(errno, socket);
    }
  }

  private static IOException failure(String what, MemorySegment errno) {
    int code = (int) ERRNO.get(errno, 0L);
    return new IOException(what + " (errno " + code + ")");
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
      MemorySegment errno = arena.allocate(ERRNO_STATE);
      MemorySegment pollfd = arena.allocate(8); // int fd; short events; short revents
      pollfd.set(ValueLayout.JAVA_INT, 0, fd);
      pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
      int ready = (int) POLL.invokeExact(errno, pollfd, 1L, timeoutMillis);
      if (ready == 0) {
        return 0;
      }
      if (ready < 0) {
        throw failure("poll on " + name + " failed", errno);
      }
      MemorySegment target = segment(packet, arena);
      long n = (long) READ.invokeExact(errno, fd, target, (long) packet.remaining());
      if (n < 0) {
        throw failure("read from " + name + " failed", errno);
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
      MemorySegment errno = arena.allocate(ERRNO_STATE);
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
      long n = (long) WRITE.invokeExact(errno, fd, source, (long) packet.remaining());
      if (n < 0) {
        throw failure("write to " + name + " failed", errno);
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
    try (Arena arena = Arena.ofConfined()) {
      int ignored = (int) CLOSE.invokeExact(arena.allocate(ERRNO_STATE), fd);
    } catch (Throwable e) {
      throw new IOException("closing " + name + " failed: " + e, e);
    }
  }
}
