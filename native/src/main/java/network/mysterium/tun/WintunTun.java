package network.mysterium.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Windows through wintun.dll (shipped with the app, next to it) and the FFM API: an adapter created
 * by name with a fixed GUID (so Windows keeps its settings across runs), a session with a 4 MiB
 * ring, packets received without blocking and waited for on the session's read event. Addresses,
 * routes and the MTU are set with {@code netsh} by the caller. Built and its structures and calls
 * tested on Linux; run on Windows (administrator).
 */
public final class WintunTun implements TunDevice {
  static final int RING_CAPACITY = 0x400000; // 4 MiB, within wintun's 128 KiB..64 MiB
  static final int ERROR_NO_MORE_ITEMS = 259;
  static final int WAIT_OBJECT_0 = 0;
  static final String TUNNEL_TYPE = "Mysterium";

  /** wintun.dll's functions we call, with their C signatures as FFM descriptors. */
  static final Map<String, FunctionDescriptor> FUNCTIONS =
      Map.of(
          "WintunCreateAdapter",
          FunctionDescriptor.of(
              ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
          "WintunCloseAdapter",
          FunctionDescriptor.ofVoid(ValueLayout.ADDRESS),
          "WintunStartSession",
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
          "WintunEndSession",
          FunctionDescriptor.ofVoid(ValueLayout.ADDRESS),
          "WintunGetReadWaitEvent",
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS),
          "WintunReceivePacket",
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
          "WintunReleaseReceivePacket",
          FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS),
          "WintunAllocateSendPacket",
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
          "WintunSendPacket",
          FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS));

  private final Arena arena;
  private final Map<String, MethodHandle> wintun;
  private final MethodHandle waitForSingleObject;
  private final MemorySegment adapter;
  private final MemorySegment session;
  private final MemorySegment readEvent;
  private final String name;
  private final int mtu;
  private volatile boolean closed;

  private WintunTun(
      Arena arena,
      Map<String, MethodHandle> wintun,
      MethodHandle waitForSingleObject,
      MemorySegment adapter,
      MemorySegment session,
      MemorySegment readEvent,
      String name,
      int mtu) {
    this.arena = arena;
    this.wintun = wintun;
    this.waitForSingleObject = waitForSingleObject;
    this.adapter = adapter;
    this.session = session;
    this.readEvent = readEvent;
    this.name = name;
    this.mtu = mtu;
  }

  /** A NUL-terminated UTF-16LE string, as Windows' LPCWSTR. */
  static MemorySegment wideString(Arena arena, String text) {
    byte[] bytes = (text + "\0").getBytes(StandardCharsets.UTF_16LE);
    MemorySegment out = arena.allocate(bytes.length, 2);
    out.copyFrom(MemorySegment.ofArray(bytes));
    return out;
  }

  /** A Windows GUID: Data1 (32 bits), Data2, Data3 (16 bits) little-endian, Data4 as is. */
  static MemorySegment guid(Arena arena, UUID uuid) {
    MemorySegment out = arena.allocate(16, 4);
    long high = uuid.getMostSignificantBits();
    ByteBuffer b = out.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    b.putInt((int) (high >>> 32)).putShort((short) (high >>> 16)).putShort((short) high);
    b.order(ByteOrder.BIG_ENDIAN).putLong(uuid.getLeastSignificantBits());
    return out;
  }

  /** The adapter's GUID: derived from its name, so the same name is the same adapter. */
  static UUID adapterGuid(String name) {
    return UUID.nameUUIDFromBytes(("mysterium-wintun:" + name).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Loads wintun.dll from {@code library} and creates (or opens) the adapter {@code name}.
   *
   * @throws IOException when wintun.dll is missing or refuses (e.g. without administrator rights)
   */
  public static WintunTun open(Path library, String name, int mtu) throws IOException {
    Arena arena = Arena.ofShared();
    try {
      SymbolLookup dll;
      try {
        dll = SymbolLookup.libraryLookup(library, arena);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "cannot load " + library + ": the IP tunnel on Windows needs wintun.dll beside the app",
            e);
      }
      Linker linker = Linker.nativeLinker();
      Map<String, MethodHandle> wintun = new java.util.HashMap<>();
      for (Map.Entry<String, FunctionDescriptor> f : FUNCTIONS.entrySet()) {
        wintun.put(
            f.getKey(),
            linker.downcallHandle(
                dll.find(f.getKey())
                    .orElseThrow(() -> new IOException(library + " has no " + f.getKey())),
                f.getValue()));
      }
      MethodHandle wait =
          linker.downcallHandle(
              SymbolLookup.libraryLookup("kernel32", arena).findOrThrow("WaitForSingleObject"),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
      MemorySegment adapter =
          (MemorySegment)
              wintun
                  .get("WintunCreateAdapter")
                  .invokeExact(
                      wideString(arena, name),
                      wideString(arena, TUNNEL_TYPE),
                      guid(arena, adapterGuid(name)));
      if (adapter.address() == 0) {
        throw new IOException("wintun cannot create " + name + " (needs administrator rights)");
      }
      MemorySegment session =
          (MemorySegment) wintun.get("WintunStartSession").invokeExact(adapter, RING_CAPACITY);
      if (session.address() == 0) {
        wintun.get("WintunCloseAdapter").invokeExact(adapter);
        throw new IOException("wintun cannot start a session on " + name);
      }
      MemorySegment event =
          (MemorySegment) wintun.get("WintunGetReadWaitEvent").invokeExact(session);
      return new WintunTun(arena, wintun, wait, adapter, session, event, name, mtu);
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    } catch (Throwable e) {
      arena.close();
      throw new IOException("wintun call failed: " + e, e);
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
    try (Arena call = Arena.ofConfined()) {
      MemorySegment size = call.allocate(ValueLayout.JAVA_INT);
      for (int attempt = 0; attempt < 2; attempt++) {
        MemorySegment received =
            (MemorySegment) wintun.get("WintunReceivePacket").invokeExact(session, size);
        if (received.address() != 0) {
          int length = size.get(ValueLayout.JAVA_INT, 0);
          packet.put(received.reinterpret(length).asByteBuffer());
          wintun.get("WintunReleaseReceivePacket").invokeExact(session, received);
          return length;
        }
        if (attempt == 0
            && (int) waitForSingleObject.invokeExact(readEvent, timeoutMillis) != WAIT_OBJECT_0) {
          return 0;
        }
      }
      return 0;
    } catch (Throwable e) {
      throw new IOException("wintun read failed: " + e, e);
    }
  }

  @Override
  public void write(ByteBuffer packet) throws IOException {
    int length = packet.remaining();
    try {
      MemorySegment slot =
          (MemorySegment) wintun.get("WintunAllocateSendPacket").invokeExact(session, length);
      if (slot.address() == 0) {
        throw new IOException("wintun's ring is full: packet dropped");
      }
      slot.reinterpret(length).copyFrom(MemorySegment.ofBuffer(packet));
      wintun.get("WintunSendPacket").invokeExact(session, slot);
      packet.position(packet.limit());
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("wintun write failed: " + e, e);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      wintun.get("WintunEndSession").invokeExact(session);
      wintun.get("WintunCloseAdapter").invokeExact(adapter);
    } catch (Throwable e) {
      throw new IOException("closing " + name + " failed: " + e, e);
    } finally {
      arena.close();
    }
  }
}
