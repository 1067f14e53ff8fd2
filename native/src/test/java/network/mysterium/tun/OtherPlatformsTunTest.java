package network.mysterium.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The macOS (utun) and Windows (wintun) devices, on Linux: their structures byte for byte against
 * the system headers, and their calls failing with a clear error where the platform is absent.
 */
class OtherPlatformsTunTest {
  @Test
  void utunIoctlNumbersMatchTheMacOsHeaders() {
    // <sys/kern_control.h>: #define CTLIOCGINFO _IOWR('N', 3, struct ctl_info) = 0xc0644e03
    assertThat(MacUtun.CTLIOCGINFO).isEqualTo(0xc0644e03L);
    // <sys/sockio.h>: #define SIOCSIFMTU _IOW('i', 52, struct ifreq) = 0x80206934
    assertThat(MacUtun.SIOCSIFMTU).isEqualTo(0x80206934L);
  }

  @Test
  void utunStructuresAreLaidOutAsTheKernelReadsThem() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment info = MacUtun.ctlInfo(arena, MacUtun.UTUN_CONTROL_NAME);
      assertThat(info.byteSize()).isEqualTo(100);
      assertThat(info.get(ValueLayout.JAVA_INT, 0)).isZero(); // ctl_id, filled in by the kernel
      assertThat(info.getString(4, StandardCharsets.US_ASCII))
          .isEqualTo("com.apple.net.utun_control");

      MemorySegment address = MacUtun.sockaddrCtl(arena, 0x1234, MacUtun.unitFor("utun7"));
      assertThat(address.byteSize()).isEqualTo(32);
      assertThat(HexFormat.of().formatHex(address.asSlice(0, 12).toArray(ValueLayout.JAVA_BYTE)))
          .isEqualTo(
              "20" // sc_len 32
                  + "20" // sc_family AF_SYSTEM
                  + "0200" // ss_sysaddr AF_SYS_CONTROL (little-endian, as on every Mac CPU)
                  + "34120000" // sc_id
                  + "08000000"); // sc_unit: utun7 is unit 8
      assertThat(address.asSlice(12).toArray(ValueLayout.JAVA_BYTE)).containsOnly(0);
    }
    assertThat(MacUtun.unitFor("")).isZero();
    assertThatThrownBy(() -> MacUtun.unitFor("tun0")).hasMessageContaining("utunN");
  }

  @Test
  void utunFramesCarryTheFamilyInNetworkOrder() {
    try (Arena arena = Arena.ofConfined()) {
      ByteBuffer v4 = ByteBuffer.wrap(new byte[] {0x45, 0, 0, 20});
      MemorySegment frame = MacUtun.frame(arena, v4);
      assertThat(frame.byteSize()).isEqualTo(8);
      assertThat(frame.get(ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 0)).isEqualTo(2);
      assertThat(frame.get(ValueLayout.JAVA_BYTE, 4)).isEqualTo((byte) 0x45);
      MemorySegment v6 = MacUtun.frame(arena, ByteBuffer.wrap(new byte[] {0x60, 0, 0, 0}));
      assertThat(v6.get(ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 0)).isEqualTo(30);
    }
    assertThatThrownBy(() -> MacUtun.familyOf(ByteBuffer.wrap(new byte[] {0x10})))
        .hasMessageContaining("not an IP packet");
  }

  @Test
  void utunOpenedOffMacOsFailsAtTheControlSocketWithWhy() {
    assertThatThrownBy(() -> MacUtun.open("utun9", 1420))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("PF_SYSTEM")
        .hasMessageContaining("macOS");
  }

  @Test
  void wintunStringsAndGuidsAreWhatWindowsExpects() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = WintunTun.wideString(arena, "Myst");
      assertThat(HexFormat.of().formatHex(name.toArray(ValueLayout.JAVA_BYTE)))
          .isEqualTo("4d00790073007400" + "0000");
      // {00112233-4455-6677-8899-aabbccddeeff} in memory: Data1..3 little-endian, Data4 as is
      MemorySegment guid =
          WintunTun.guid(arena, UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"));
      assertThat(HexFormat.of().formatHex(guid.toArray(ValueLayout.JAVA_BYTE)))
          .isEqualTo("33221100" + "5544" + "7766" + "8899aabbccddeeff");
    }
    assertThat(WintunTun.adapterGuid("myst0")).isEqualTo(WintunTun.adapterGuid("myst0"));
    assertThat(WintunTun.adapterGuid("myst0")).isNotEqualTo(WintunTun.adapterGuid("myst1"));
  }

  @Test
  void wintunDescribesEveryFunctionItCallsAndSaysWhenTheDllIsMissing() {
    assertThat(WintunTun.FUNCTIONS)
        .containsOnlyKeys(
            "WintunCreateAdapter",
            "WintunCloseAdapter",
            "WintunStartSession",
            "WintunEndSession",
            "WintunGetReadWaitEvent",
            "WintunReceivePacket",
            "WintunReleaseReceivePacket",
            "WintunAllocateSendPacket",
            "WintunSendPacket");
    assertThat(WintunTun.FUNCTIONS.get("WintunStartSession").argumentLayouts())
        .containsExactly(ValueLayout.ADDRESS, ValueLayout.JAVA_INT); // adapter, ring capacity
    assertThat(WintunTun.RING_CAPACITY).isBetween(0x20000, 0x4000000);
    assertThatThrownBy(() -> WintunTun.open(Path.of("/nonexistent/wintun.dll"), "myst0", 1420))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("needs wintun.dll");
  }
}
