package network.mysterium.service.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import network.mysterium.service.Meter;
import network.mysterium.service.wireguard.IpPrefix;
import network.mysterium.service.wireguard.Peer;
import network.mysterium.service.wireguard.WireGuardDevice;
import network.mysterium.service.wireguard.WireGuardKeys;
import network.mysterium.tun.LinuxTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tunnel holds a session to its announced bandwidth: two of our WireGuard devices on real TUN
 * devices in network namespaces of their own, the provider's peer metered by a session's {@link
 * Meter} at 2 Mbit/s, and TCP pushed through as fast as it goes, each way in turn.
 */
class TunnelBandwidthTest {
  private static final long KBPS = 2_000;
  private static final double BYTES_PER_SECOND = KBPS * 1000 / 8.0;
  private static final String RECEIVER =
      """
      import socket, sys, time
      s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      s.bind((sys.argv[1], 5201)); s.listen(1); print("ready", flush=True)
      c, _ = s.accept(); total = 0; first = None
      while True:
          b = c.recv(65536)
          if not b: break
          if first is None: first = time.monotonic()
          total += len(b)
      print(total, time.monotonic() - first, flush=True)
      """;
  private static final String SENDER =
      """
      import socket, sys, time
      c = socket.create_connection((sys.argv[1], 5201), timeout=10)
      end = time.monotonic() + float(sys.argv[2]); chunk = b"x" * 16384
      while time.monotonic() < end: c.sendall(chunk)
      c.close()
      """;

  private final SecureRandom random = new SecureRandom();
  private final String suffix = HexFormat.of().formatHex(random.generateSeed(2));
  private final String nsConsumer = "mys-bc-" + suffix;
  private final String nsProvider = "mys-bp-" + suffix;
  private final int subnet = 100 + random.nextInt(100);
  private final String consumerAddress = "10.95." + subnet + ".1";
  private final String providerAddress = "10.95." + subnet + ".2";
  private WireGuardDevice consumer;
  private WireGuardDevice provider;

  @BeforeEach
  void namespaces() throws Exception {
    run("ip", "netns", "add", nsConsumer);
    run("ip", "netns", "add", nsProvider);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (WireGuardDevice d : new WireGuardDevice[] {consumer, provider}) {
      if (d != null) {
        d.close();
      }
    }
    runQuietly("ip", "netns", "del", nsConsumer);
    runQuietly("ip", "netns", "del", nsProvider);
  }

  private WireGuardDevice device(String name, String ns, String address, byte[] key)
      throws Exception {
    LinuxTun tun = LinuxTun.open(name, 1420);
    run("ip", "link", "set", tun.name(), "netns", ns);
    run("ip", "-n", ns, "addr", "add", address + "/24", "dev", tun.name());
    run("ip", "-n", ns, "link", "set", tun.name(), "up");
    return WireGuardDevice.start(
        tun,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        key,
        new WireGuardDevice.Options(256, System::nanoTime));
  }

  @Test
  void aSessionAnnouncedAtTwoMegabitsASecondGetsNoMoreEitherWay() throws Exception {
    byte[] consumerKey = WireGuardKeys.newPrivateKey(random);
    byte[] providerKey = WireGuardKeys.newPrivateKey(random);
    consumer = device("mysbc" + suffix, nsConsumer, consumerAddress, consumerKey);
    provider = device("mysbp" + suffix, nsProvider, providerAddress, providerKey);
    Meter meter = new Meter(KBPS);
    consumer.addPeer(
        WireGuardKeys.publicKey(providerKey),
        new byte[32],
        List.of(IpPrefix.parse(providerAddress + "/32")),
        provider.address(),
        0,
        Peer.Traffic.NONE);
    provider.addPeer(
        WireGuardKeys.publicKey(consumerKey),
        new byte[32],
        List.of(IpPrefix.parse(consumerAddress + "/32")),
        consumer.address(),
        0,
        new MeteredTraffic(meter));
    run("ip", "netns", "exec", nsConsumer, "ping", "-c", "1", "-W", "5", providerAddress);

    double up = push(nsConsumer, nsProvider, providerAddress); // consumer to provider
    double down = push(nsProvider, nsConsumer, consumerAddress); // provider to consumer
    // curbed to the rate (a quarter second's burst on top), and TCP still gets a fair share of it
    for (double rate : new double[] {up, down}) {
      assertThat(rate)
          .isLessThanOrEqualTo(BYTES_PER_SECOND * 1.10)
          .isGreaterThanOrEqualTo(BYTES_PER_SECOND * 0.3);
    }
    assertThat(meter.bytesFromConsumer()).isPositive();
    assertThat(meter.bytesToConsumer()).isPositive();
  }

  /** TCP from one namespace to the other for 4 s; the receiver's bytes a second. */
  private static double push(String fromNs, String toNs, String toAddress) throws Exception {
    Process receiver =
        new ProcessBuilder("ip", "netns", "exec", toNs, "python3", "-c", RECEIVER, toAddress)
            .redirectErrorStream(true)
            .start();
    try {
      var out =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      run("ip", "netns", "exec", fromNs, "python3", "-c", SENDER, toAddress, "4");
      String[] result = out.readLine().split(" ");
      assertThat(receiver.waitFor(20, TimeUnit.SECONDS)).isTrue();
      return Long.parseLong(result[0]) / Double.parseDouble(result[1]);
    } finally {
      receiver.destroyForcibly();
    }
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } finally {
      p.destroyForcibly();
    }
  }

  private static boolean runQuietly(String... command) {
    try {
      run(command);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
