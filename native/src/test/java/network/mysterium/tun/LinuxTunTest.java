package network.mysterium.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real TUN device moved into a network namespace this test creates: the kernel there answers a
 * ping we write into the device, and we read its reply back. Needs root (CAP_NET_ADMIN), as the
 * project's tests do; the namespace is deleted even when the test fails.
 */
class LinuxTunTest {
  private final String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  private final String namespace = "mys-tun-" + suffix;

  @BeforeEach
  void createNamespace() throws Exception {
    run("ip", "netns", "add", namespace);
  }

  @AfterEach
  void deleteNamespace() throws Exception {
    run("ip", "netns", "del", namespace);
  }

  @Test
  void theKernelAnswersAPingWrittenIntoTheDeviceAndTheReplyIsReadBack() throws Exception {
    try (LinuxTun tun = LinuxTun.open("mys" + suffix, 1420)) {
      assertThat(tun.name()).isEqualTo("mys" + suffix);
      run("ip", "link", "set", tun.name(), "netns", namespace);
      run("ip", "-n", namespace, "addr", "add", "10.99.0.1/24", "dev", tun.name());
      run("ip", "-n", namespace, "link", "set", tun.name(), "up");
      assertThat(run("ip", "-n", namespace, "link", "show", tun.name())).contains("mtu 1420");

      byte[] payload = "mysterium tun".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer request = ByteBuffer.allocateDirect(1500);
      request.put(
          icmpEcho(8, new byte[] {10, 99, 0, 2}, new byte[] {10, 99, 0, 1}, 0x4d59, 7, payload));
      request.flip();
      tun.write(request);

      ByteBuffer reply = ByteBuffer.allocateDirect(tun.mtu());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      byte[] packet = null;
      while (System.nanoTime() < deadline) {
        reply.clear();
        int n = tun.read(reply, 500);
        if (n == 0) {
          continue;
        }
        reply.flip();
        byte[] candidate = new byte[n];
        reply.get(candidate);
        // skip what else the kernel sends (IPv6 router solicitations and the like)
        if ((candidate[0] >> 4) == 4 && candidate[9] == 1 && (candidate[20] & 0xff) == 0) {
          packet = candidate;
          break;
        }
      }
      assertThat(packet).as("an ICMP echo reply from the namespace").isNotNull();
      assertThat(slice(packet, 12, 4)).containsExactly(10, 99, 0, 1); // from the kernel
      assertThat(slice(packet, 16, 4)).containsExactly(10, 99, 0, 2); // to our address
      assertThat(slice(packet, 24, 4)).containsExactly(0x4d, 0x59, 0, 7); // id and sequence
      assertThat(java.util.Arrays.copyOfRange(packet, 28, 28 + payload.length)).isEqualTo(payload);
    }
    // closed: the non-persistent device is gone from the namespace
    assertThat(run("ip", "-n", namespace, "link", "show")).doesNotContain("mys" + suffix);
  }

  @Test
  void aReadWithNothingToReadReturnsAfterItsTimeoutAndAClosedDeviceRefusesUse() throws Exception {
    LinuxTun tun = LinuxTun.open("mys" + suffix, 1280);
    long t0 = System.nanoTime();
    assertThat(tun.read(ByteBuffer.allocateDirect(1280), 200)).isZero(); // down: no traffic
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(150L, 2000L);
    tun.close();
    assertThatThrownBy(() -> tun.write(ByteBuffer.allocateDirect(20)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void badNamesAreRefusedWithAReason() {
    assertThatThrownBy(() -> LinuxTun.open("a-name-far-too-long", 1420))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 15");
  }

  /** An IPv4 ICMP echo (type 8) or echo reply (type 0) with correct checksums. */
  static byte[] icmpEcho(
      int type, byte[] source, byte[] destination, int id, int sequence, byte[] payload) {
    int length = 20 + 8 + payload.length;
    ByteBuffer p = ByteBuffer.allocate(length);
    p.put((byte) 0x45).put((byte) 0).putShort((short) length).putShort((short) 0x1234);
    p.putShort((short) 0x4000).put((byte) 64).put((byte) 1).putShort((short) 0);
    p.put(source).put(destination);
    p.put((byte) type)
        .put((byte) 0)
        .putShort((short) 0)
        .putShort((short) id)
        .putShort((short) sequence);
    p.put(payload);
    byte[] bytes = p.array();
    putChecksum(bytes, 0, 20, 10);
    putChecksum(bytes, 20, 8 + payload.length, 22);
    return bytes;
  }

  private static void putChecksum(byte[] bytes, int from, int length, int at) {
    long sum = 0;
    for (int i = 0; i < length; i += 2) {
      int high = bytes[from + i] & 0xff;
      int low = i + 1 < length ? bytes[from + i + 1] & 0xff : 0;
      sum += (high << 8) | low;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    int checksum = (int) (~sum & 0xffff);
    bytes[at] = (byte) (checksum >> 8);
    bytes[at + 1] = (byte) checksum;
  }

  private static int[] slice(byte[] bytes, int from, int length) {
    int[] out = new int[length];
    for (int i = 0; i < length; i++) {
      out[i] = bytes[from + i] & 0xff;
    }
    return out;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
