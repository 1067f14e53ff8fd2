package network.mysterium.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * macOS utun through the FFM API: a {@code PF_SYSTEM} control socket connected to {@code
 * com.apple.net.utun_control} (unit N+1 makes {@code utunN}, 0 lets the kernel pick), its name read
 * back with {@code UTUN_OPT_IFNAME}. Every packet carries a 4-byte header with its protocol family
 * in network byte order, added on write and taken off on read here. Built and its structures tested
 * on Linux; run on macOS (root).
 */
public final class MacUtun implements TunDevice {
  // <sys/socket.h>, <sys/sys_domain.h>, <sys/kern_control.h>, <net/if_utun.h> on macOS.
  static final int PF_SYSTEM = 32;
  static final int AF_SYSTEM = 32;
  static final int AF_SYS_CONTROL = 2;
  static final int SYSPROTO_CONTROL = 2;
  static final int SOCK_DGRAM = 2;
  static final int UTUN_OPT_IFNAME = 2;
  static final int AF_INET = 2;
  static final int AF_INET6 = 30; // macOS's value, not Linux's 10
  static final String UTUN_CONTROL_NAME = "com.apple.net.utun_control";
  static final int CTL_INFO_SIZE = 100; // u_int32_t ctl_id; char ctl_name[96]
  static final int SOCKADDR_CTL_SIZE = 32;
  static final int IFREQ_SIZE = 32; // char ifr_name[16]; union { ... int ifru_mtu; }
  static final long CTLIOCGINFO = ioWr('N', 3, CTL_INFO_SIZE);
  static final long SIOCSIFMTU = ioW('i', 52, IFREQ_SIZE);
  static final int HEADER = 4;

  private final int fd;
  private final String name;
  private final int mtu;
  private final Posix.Scratch reading;
  private volatile boolean closed;

  private MacUtun(int fd, String name, int mtu) {
    this.fd = fd;
    this.name = name;
    this.mtu = mtu;
    this.reading = new Posix.Scratch(fd);
  }

  /** BSD's _IOWR(group, number, size): in and out through a struct of that size. */
  static long ioWr(char group, int number, int size) {
    return 0xC0000000L | ((long) (size & 0x1fff) << 16) | ((long) group << 8) | number;
  }

  /** BSD's _IOW(group, number, size): a struct of that size in. */
  static long ioW(char group, int number, int size) {
    return 0x80000000L | ((long) (size & 0x1fff) << 16) | ((long) group << 8) | number;
  }

  /** struct ctl_info asking for a control's id by name. */
  static MemorySegment ctlInfo(Arena arena, String controlName) {
    MemorySegment info = arena.allocate(CTL_INFO_SIZE);
    byte[] bytes = controlName.getBytes(StandardCharsets.US_ASCII);
    MemorySegment.copy(bytes, 0, info, ValueLayout.JAVA_BYTE, 4, bytes.length);
    return info;
  }

  /** struct sockaddr_ctl for connect: the control's id and the unit (utunN is unit N+1). */
  static MemorySegment sockaddrCtl(Arena arena, int controlId, int unit) {
    MemorySegment address = arena.allocate(SOCKADDR_CTL_SIZE);
    address.set(ValueLayout.JAVA_BYTE, 0, (byte) SOCKADDR_CTL_SIZE); // sc_len
    address.set(ValueLayout.JAVA_BYTE, 1, (byte) AF_SYSTEM); // sc_family
    address.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) AF_SYS_CONTROL); // ss_sysaddr
    address.set(ValueLayout.JAVA_INT_UNALIGNED, 4, controlId); // sc_id
    address.set(ValueLayout.JAVA_INT_UNALIGNED, 8, unit); // sc_unit
    return address;
  }

  /** The connect unit for a name: {@code utunN} is N+1; "" (any) is 0. */
  static int unitFor(String name) {
    if (name.isEmpty()) {
      return 0;
    }
    if (!name.matches("utun\\d{1,4}")) {
      throw new IllegalArgumentException("macOS names tunnels utunN (or \"\" for any): " + name);
    }
    return Integer.parseInt(name.substring(4)) + 1;
  }

  /** The 4-byte header utun wants before a packet: its family, big-endian. */
  static int familyOf(ByteBuffer packet) {
    int version = (packet.get(packet.position()) >> 4) & 0xf;
    return switch (version) {
      case 4 -> AF_INET;
      case 6 -> AF_INET6;
      default -> throw new IllegalArgumentException("not an IP packet (version " + version + ")");
    };
  }

  /** Opens a utun device ({@code utunN}, or "" for the next free one) and sets its MTU. */
  public static MacUtun open(String name, int mtu) throws IOException {
    int unit = unitFor(name);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(Posix.ERRNO_STATE);
      int fd = (int) Posix.SOCKET.invokeExact(errno, PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
      if (fd < 0) {
        throw Posix.failure("cannot open a PF_SYSTEM socket (is this macOS?)", errno);
      }
      try {
        MemorySegment info = ctlInfo(arena, UTUN_CONTROL_NAME);
        if ((int) Posix.IOCTL.invokeExact(errno, fd, CTLIOCGINFO, info) < 0) {
          throw Posix.failure("cannot find the utun control", errno);
        }
        int controlId = info.get(ValueLayout.JAVA_INT, 0);
        MemorySegment address = sockaddrCtl(arena, controlId, unit);
        if ((int) Calls.CONNECT.invokeExact(errno, fd, address, SOCKADDR_CTL_SIZE) < 0) {
          throw Posix.failure("cannot create utun " + name + " (needs root)", errno);
        }
        MemorySegment ifname = arena.allocate(16);
        MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, 16);
        if ((int)
                Calls.GETSOCKOPT.invokeExact(
                    errno, fd, SYSPROTO_CONTROL, UTUN_OPT_IFNAME, ifname, length)
            < 0) {
          throw Posix.failure("cannot read the utun name", errno);
        }
        String given = ifname.getString(0, StandardCharsets.US_ASCII);
        Posix.setMtu(arena, errno, given, mtu, SIOCSIFMTU, IFREQ_SIZE);
        return new MacUtun(fd, given, mtu);
      } catch (IOException | RuntimeException e) {
        Posix.closeQuietly(errno, fd);
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("utun call failed: " + e, e);
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
      if (!Posix.awaitReadable(Calls.POLL, false, reading, timeoutMillis, name)) {
        return 0;
      }
      MemorySegment errno = reading.errno;
      MemorySegment frame = arena.allocate(HEADER + packet.remaining());
      long n = (long) Posix.READ.invokeExact(errno, fd, frame, frame.byteSize());
      if (n < 0) {
        throw Posix.failure("read from " + name + " failed", errno);
      }
      int length = (int) Math.max(0, n - HEADER);
      packet.put(frame.asSlice(HEADER, length).asByteBuffer());
      return length;
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("utun call failed: " + e, e);
    }
  }

  @Override
  public void write(ByteBuffer packet) throws IOException {
    checkOpen();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(Posix.ERRNO_STATE);
      MemorySegment frame = frame(arena, packet);
      long n = (long) Posix.WRITE.invokeExact(errno, fd, frame, frame.byteSize());
      if (n < 0) {
        throw Posix.failure("write to " + name + " failed", errno);
      }
      packet.position(packet.limit());
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("utun call failed: " + e, e);
    }
  }

  /** The packet as utun takes it: the family header, then the packet. */
  static MemorySegment frame(Arena arena, ByteBuffer packet) {
    MemorySegment frame = arena.allocate(HEADER + packet.remaining());
    frame.set(ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 0, familyOf(packet));
    frame.asSlice(HEADER).copyFrom(MemorySegment.ofBuffer(packet.duplicate()));
    return frame;
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("utun " + name + " is closed");
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

  /** The calls only utun needs (nfds_t is unsigned int on macOS). */
  private static final class Calls {
    static final ValueLayout I = ValueLayout.JAVA_INT;
    static final ValueLayout A = ValueLayout.ADDRESS;
    static final MethodHandle CONNECT =
        Posix.function("connect", FunctionDescriptor.of(I, I, A, I));
    static final MethodHandle GETSOCKOPT =
        Posix.function("getsockopt", FunctionDescriptor.of(I, I, I, I, A, A));
    static final MethodHandle POLL = Posix.function("poll", FunctionDescriptor.of(I, A, I, I));
  }
}
