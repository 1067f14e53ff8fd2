package network.mysterium.service.wireguard;

import static network.mysterium.service.wireguard.Shell.run;
import static network.mysterium.service.wireguard.Shell.runQuietly;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our handshake and transport against a stock wireguard-go (Debian packages wireguard-go and
 * wireguard-tools) in a network namespace this test creates, reached over a veth pair: our
 * initiation is answered, and a ping we send through the tunnel comes back from the kernel behind
 * wireguard-go. wireguard-go is stopped by its pid and the namespace deleted, even on failure.
 */
class WireGuardGoInteropTest {
  private final SecureRandom random = new SecureRandom();
  private final String suffix = HexFormat.of().formatHex(random.generateSeed(2));
  private final String namespace = "mys-wg-" + suffix;
  private final String veth = "mysv" + suffix;
  private final String wgInterface =
      "myswg" + suffix; // its own name: wg-go's socket path is global
  private final int subnet = 100 + random.nextInt(100);
  @TempDir Path temp;
  private Process wireguardGo;
  private InetSocketAddress lastSender; // where the last datagram came from

  @BeforeEach
  void network() throws Exception {
    run("ip", "netns", "add", namespace);
    run("ip", "link", "add", veth, "type", "veth", "peer", "name", veth + "p");
    run("ip", "link", "set", veth + "p", "netns", namespace);
    run("ip", "addr", "add", "10.98." + subnet + ".1/24", "dev", veth);
    run("ip", "link", "set", veth, "up");
    run("ip", "-n", namespace, "addr", "add", "10.98." + subnet + ".2/24", "dev", veth + "p");
    run("ip", "-n", namespace, "link", "set", veth + "p", "up");
    run("ip", "-n", namespace, "link", "set", "lo", "up");
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (wireguardGo != null) {
      wireguardGo.destroyForcibly();
      wireguardGo.waitFor(10, TimeUnit.SECONDS);
    }
    run("ip", "netns", "del", namespace); // takes the veth peer and the wg interface with it
    // a killed wireguard-go leaves its control socket behind
    Files.deleteIfExists(Path.of("/var/run/wireguard", wgInterface + ".sock"));
    runQuietly("ip", "link", "del", veth);
  }

  @Test
  void aStockWireGuardGoAcceptsOurHandshakeAndCarriesAPingBothWays() throws Exception {
    byte[] ourPrivate = WireGuardCrypto.newPrivateKey(random);
    byte[] theirPrivate = WireGuardCrypto.newPrivateKey(random);
    byte[] theirPublic = WireGuardCrypto.publicKey(theirPrivate);

    startWireGuardGo(theirPrivate, ourPrivate, List.of("listen-port", "51820"), List.of());

    try (DatagramSocket socket =
        new DatagramSocket(
            new InetSocketAddress(InetAddress.getByName("10.98." + subnet + ".1"), 0))) {
      socket.setSoTimeout(5000);
      InetSocketAddress peer =
          new InetSocketAddress(InetAddress.getByName("10.98." + subnet + ".2"), 51820);
      Initiator initiator = new Initiator(ourPrivate, theirPublic, new byte[32], random.nextInt());
      send(socket, peer, initiator.initiation(random, Instant.now()));
      Session session = initiator.consume(receive(socket));

      byte[] payload = "through the tunnel".getBytes(StandardCharsets.US_ASCII);
      byte[] ping =
          icmpEcho(
              new byte[] {10, 97, (byte) subnet, 2},
              new byte[] {10, 97, (byte) subnet, 1},
              payload);
      send(socket, peer, session.seal(ping));
      byte[] reply = session.open(receive(socket));
      assertThat((reply[0] >> 4) & 0xf).isEqualTo(4);
      assertThat(reply[9]).isEqualTo((byte) 1); // ICMP
      assertThat(reply[20]).isEqualTo((byte) 0); // echo reply
      assertThat(Arrays.copyOfRange(reply, 12, 16))
          .containsExactly(10, 97, (byte) subnet, 1); // from the kernel behind wireguard-go
      assertThat(Arrays.copyOfRange(reply, 28, 28 + payload.length)).isEqualTo(payload);
    }
    String shown = run("ip", "netns", "exec", namespace, "wg", "show", wgInterface);
    assertThat(shown).contains("latest handshake").contains("transfer:");
  }

  @Test
  void aStockWireGuardGoInitiatesToOurResponderAndSendsItsTraffic() throws Exception {
    byte[] ourPrivate = WireGuardCrypto.newPrivateKey(random);
    byte[] theirPrivate = WireGuardCrypto.newPrivateKey(random);
    try (DatagramSocket socket =
        new DatagramSocket(
            new InetSocketAddress(InetAddress.getByName("10.98." + subnet + ".1"), 0))) {
      socket.setSoTimeout(10_000);
      startWireGuardGo(
          theirPrivate,
          ourPrivate,
          List.of(),
          List.of("endpoint", "10.98." + subnet + ".1:" + socket.getLocalPort()));
      // a datagram to our tunnel address makes wireguard-go start a handshake with us
      run(
          "ip",
          "netns",
          "exec",
          namespace,
          "bash",
          "-c",
          "echo hello-from-wireguard-go > /dev/udp/10.97." + subnet + ".2/9");

      byte[] initiation = receive(socket);
      InetSocketAddress initiator = lastSender;
      Responder.Answer answer =
          new Responder(ourPrivate)
              .answer(
                  initiation,
                  key ->
                      Arrays.equals(key, WireGuardCrypto.publicKey(theirPrivate))
                          ? Responder.KnownPeer.fresh()
                          : null,
                  random.nextInt(),
                  random);
      send(socket, initiator, answer.response()); // wireguard-go's own (random) port
      byte[] packet = answer.session().open(receive(socket));
      assertThat(packet[9]).isEqualTo((byte) 17); // UDP
      assertThat(new String(packet, 28, 23, StandardCharsets.US_ASCII))
          .isEqualTo("hello-from-wireguard-go");
    }
  }

  @Test
  void pingsCrossATunnelBetweenOurDeviceAndWireGuardGoBothWays() throws Exception {
    String ours = "mys-us-" + suffix;
    run("ip", "netns", "add", ours);
    try {
      byte[] ourPrivate = WireGuardCrypto.newPrivateKey(random);
      byte[] theirPrivate = WireGuardCrypto.newPrivateKey(random);
      startWireGuardGo(theirPrivate, ourPrivate, List.of("listen-port", "51820"), List.of());

      try (network.mysterium.tun.LinuxTun tun =
          network.mysterium.tun.LinuxTun.open("myst" + suffix, 1420)) {
        run("ip", "link", "set", tun.name(), "netns", ours);
        run("ip", "-n", ours, "addr", "add", "10.97." + subnet + ".2/24", "dev", tun.name());
        run("ip", "-n", ours, "link", "set", tun.name(), "up");
        try (WireGuardDevice device =
            WireGuardDevice.start(
                tun,
                new InetSocketAddress(InetAddress.getByName("10.98." + subnet + ".1"), 0),
                ourPrivate,
                WireGuardDevice.Options.defaults())) {
          Peer tunnel =
              device.addPeer(
                  WireGuardCrypto.publicKey(theirPrivate),
                  new byte[32],
                  List.of(IpPrefix.parse("10.97." + subnet + ".0/24")),
                  new InetSocketAddress(InetAddress.getByName("10.98." + subnet + ".2"), 51820),
                  0,
                  Peer.Traffic.NONE);
          // wireguard-go learns where we are and starts the handshake itself: our device answers
          run(
              "ip",
              "netns",
              "exec",
              namespace,
              "wg",
              "set",
              wgInterface,
              "peer",
              Base64.getEncoder().encodeToString(WireGuardCrypto.publicKey(ourPrivate)),
              "endpoint",
              "10.98." + subnet + ".1:" + device.address().getPort());
          String first = pingThrice(namespace, "10.97." + subnet + ".2");
          assertThat(first).contains("3 received");
          assertThat(tunnel.established()).as("wireguard-go's handshake answered").isTrue();
          // from our namespace through our device to the kernel behind wireguard-go, and back
          String ping = pingThrice(ours, "10.97." + subnet + ".1");
          assertThat(ping).contains("3 received");
          // and from wireguard-go's side to ours again
          String back = pingThrice(namespace, "10.97." + subnet + ".2");
          assertThat(back).contains("3 received");
        }
      }
    } finally {
      run("ip", "netns", "del", ours);
    }
  }

  @Test
  void underLoadOurCookieReplyOpensForWireGuardGoAndItsMac2ProvesItsAddress() throws Exception {
    String ours = "mys-uc-" + suffix;
    run("ip", "netns", "add", ours);
    try {
      byte[] ourPrivate = WireGuardCrypto.newPrivateKey(random);
      byte[] theirPrivate = WireGuardCrypto.newPrivateKey(random);
      startWireGuardGo(theirPrivate, ourPrivate, List.of("listen-port", "51820"), List.of());
      try (network.mysterium.tun.LinuxTun tun =
          network.mysterium.tun.LinuxTun.open("myuc" + suffix, 1420)) {
        run("ip", "link", "set", tun.name(), "netns", ours);
        run("ip", "-n", ours, "addr", "add", "10.97." + subnet + ".2/24", "dev", tun.name());
        run("ip", "-n", ours, "link", "set", tun.name(), "up");
        // a device always under load: every initiation without a valid mac2 gets a cookie reply
        try (WireGuardDevice device =
            WireGuardDevice.start(
                tun,
                new InetSocketAddress(InetAddress.getByName("10.98." + subnet + ".1"), 0),
                ourPrivate,
                new WireGuardDevice.Options(0, System::nanoTime))) {
          Peer tunnel =
              device.addPeer(
                  WireGuardCrypto.publicKey(theirPrivate),
                  new byte[32],
                  List.of(IpPrefix.parse("10.97." + subnet + ".0/24")),
                  null,
                  0,
                  Peer.Traffic.NONE);
          run(
              "ip",
              "netns",
              "exec",
              namespace,
              "wg",
              "set",
              wgInterface,
              "peer",
              Base64.getEncoder().encodeToString(WireGuardCrypto.publicKey(ourPrivate)),
              "endpoint",
              "10.98." + subnet + ".1:" + device.address().getPort());
          // wireguard-go retries after REKEY_TIMEOUT (5 s) with mac2 made from our cookie
          run(
              "ip",
              "netns",
              "exec",
              namespace,
              "ping",
              "-c",
              "1",
              "-w",
              "20",
              "10.97." + subnet + ".2");
          assertThat(device.refused(HandshakeRefusal.COOKIE_SENT))
              .as("cookie replies sent")
              .isPositive();
          assertThat(device.refused(HandshakeRefusal.BAD_MAC1)).isZero();
          assertThat(tunnel.established()).as("answered once mac2 was valid").isTrue();
        }
      }
    } finally {
      run("ip", "netns", "del", ours);
    }
  }

  /** Three pings from a namespace; what ping printed. */
  private static String pingThrice(String namespace, String address) throws Exception {
    return run("ip", "netns", "exec", namespace, "ping", "-c", "3", "-W", "2", address);
  }

  /**
   * Starts wireguard-go in the namespace with {@code theirPrivate}, our public key as its one peer
   * (allowed 10.97.x.2), and 10.97.x.1/24 on its interface, up.
   */
  private void startWireGuardGo(
      byte[] theirPrivate, byte[] ourPrivate, List<String> deviceOptions, List<String> peerOptions)
      throws Exception {
    Path keyFile = temp.resolve("wg.key");
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(theirPrivate) + "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    wireguardGo =
        new ProcessBuilder("ip", "netns", "exec", namespace, "wireguard-go", "-f", wgInterface)
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve("wireguard-go.log").toFile())
            .start();
    awaitInterface();
    List<String> set =
        new java.util.ArrayList<>(
            List.of("ip", "netns", "exec", namespace, "wg", "set", wgInterface));
    set.addAll(deviceOptions);
    set.addAll(
        List.of(
            "private-key",
            keyFile.toString(),
            "peer",
            Base64.getEncoder().encodeToString(WireGuardCrypto.publicKey(ourPrivate)),
            "allowed-ips",
            "10.97." + subnet + ".2/32"));
    set.addAll(peerOptions);
    run(set.toArray(String[]::new));
    run("ip", "-n", namespace, "addr", "add", "10.97." + subnet + ".1/24", "dev", wgInterface);
    run("ip", "-n", namespace, "link", "set", wgInterface, "up");
  }

  private void awaitInterface() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (runQuietly("ip", "netns", "exec", namespace, "wg", "show", wgInterface)) {
        return;
      }
      assertThat(wireguardGo.isAlive()).as("wireguard-go is running").isTrue();
      Thread.sleep(100);
    }
    throw new IOException("wireguard-go did not bring up " + wgInterface);
  }

  private static void send(DatagramSocket socket, InetSocketAddress to, byte[] bytes)
      throws IOException {
    socket.send(new DatagramPacket(bytes, bytes.length, to));
  }

  private byte[] receive(DatagramSocket socket) throws IOException {
    DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
    socket.receive(packet);
    lastSender = (InetSocketAddress) packet.getSocketAddress();
    return Arrays.copyOf(packet.getData(), packet.getLength());
  }

  /** An IPv4 ICMP echo request with correct checksums. */
  private static byte[] icmpEcho(byte[] source, byte[] destination, byte[] payload) {
    int length = 28 + payload.length;
    ByteBuffer p = ByteBuffer.allocate(length);
    p.put((byte) 0x45).put((byte) 0).putShort((short) length).putShort((short) 1);
    p.putShort((short) 0x4000).put((byte) 64).put((byte) 1).putShort((short) 0);
    p.put(source).put(destination);
    p.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 0x4d59).putShort((short) 1);
    p.put(payload);
    byte[] bytes = p.array();
    checksum(bytes, 0, 20, 10);
    checksum(bytes, 20, length - 20, 22);
    return bytes;
  }

  private static void checksum(byte[] bytes, int from, int length, int at) {
    long sum = 0;
    for (int i = 0; i < length; i += 2) {
      sum += ((bytes[from + i] & 0xff) << 8) | (i + 1 < length ? bytes[from + i + 1] & 0xff : 0);
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    bytes[at] = (byte) (~sum >> 8);
    bytes[at + 1] = (byte) ~sum;
  }
}
