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
import java.nio.charset.StandardCharsets;

/**
 * The libc calls the Linux and macOS TUN devices share (the same names and signatures on both),
 * each capturing errno, and the errors made from it.
 */
final class Posix {
  static final Linker LINKER = Linker.nativeLinker();
  static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
  private static final ValueLayout I = ValueLayout.JAVA_INT;
  private static final ValueLayout A = ValueLayout.ADDRESS;
  private static final ValueLayout L = ValueLayout.JAVA_LONG;
  static final int AF_INET = 2;
  static final int SOCK_DGRAM = 2;

  static final MethodHandle SOCKET = function("socket", FunctionDescriptor.of(I, I, I, I));
  static final MethodHandle IOCTL =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("ioctl"),
          FunctionDescriptor.of(I, I, L, A),
          Linker.Option.firstVariadicArg(2),
          CAPTURE_ERRNO);
  static final MethodHandle READ = function("read", FunctionDescriptor.of(L, I, A, L));
  static final MethodHandle WRITE = function("write", FunctionDescriptor.of(L, I, A, L));
  static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(I, I));

  private Posix() {}

  static MethodHandle function(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name), descriptor, CAPTURE_ERRNO);
  }

  /**
   * Memory one thread reuses for its calls on a device (errno and a pollfd), so that a packet costs
   * no allocation; freed with the device by the garbage collector.
   */
  static final class Scratch {
    final MemorySegment errno;
    final MemorySegment pollfd; // int fd; short events; short revents

    Scratch(int fd) {
      Arena arena = Arena.ofAuto();
      errno = arena.allocate(ERRNO_STATE);
      pollfd = arena.allocate(8, 4);
      pollfd.set(ValueLayout.JAVA_INT, 0, fd);
      pollfd.set(ValueLayout.JAVA_SHORT, 4, (short) 1); // POLLIN
    }
  }

  /**
   * Waits at most {@code timeoutMillis} for the descriptor to be readable; false on timeout. {@code
   * poll}'s count is an unsigned long on Linux and an unsigned int on macOS.
   */
  static boolean awaitReadable(
      MethodHandle poll, boolean longCount, Scratch scratch, int timeoutMillis, String name)
      throws Throwable {
    int ready =
        longCount
            ? (int) poll.invokeExact(scratch.errno, scratch.pollfd, 1L, timeoutMillis)
            : (int) poll.invokeExact(scratch.errno, scratch.pollfd, 1, timeoutMillis);
    if (ready < 0) {
      throw failure("poll on " + name + " failed", scratch.errno);
    }
    return ready > 0;
  }

  static IOException failure(String what, MemorySegment errno) {
    return new IOException(what + " (errno " + (int) ERRNO.get(errno, 0L) + ")");
  }

  /** Sets an interface's MTU with SIOCSIFMTU on a throwaway socket (struct ifreq differs). */
  static void setMtu(
      Arena arena, MemorySegment errno, String name, int mtu, long request, int ifreqSize)
      throws Throwable {
    int socket = (int) SOCKET.invokeExact(errno, AF_INET, SOCK_DGRAM, 0);
    if (socket < 0) {
      throw failure("cannot open a socket to set the MTU", errno);
    }
    try {
      MemorySegment ifreq = arena.allocate(ifreqSize);
      byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
      MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, bytes.length);
      ifreq.set(ValueLayout.JAVA_INT, 16, mtu); // after char ifr_name[IFNAMSIZ = 16]
      if ((int) IOCTL.invokeExact(errno, socket, request, ifreq) < 0) {
        throw failure("cannot set the MTU of " + name + " to " + mtu, errno);
      }
    } finally {
      closeQuietly(errno, socket);
    }
  }

  static void closeQuietly(MemorySegment errno, int fd) throws Throwable {
    int ignored = (int) CLOSE.invokeExact(errno, fd);
  }

  /** Closes a device's descriptor, once. */
  static void close(int fd, String name) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      closeQuietly(arena.allocate(ERRNO_STATE), fd);
    } catch (Throwable e) {
      throw new IOException("closing " + name + " failed: " + e, e);
    }
  }
}
