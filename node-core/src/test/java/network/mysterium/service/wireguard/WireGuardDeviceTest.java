package network.mysterium.service.wireguard;

import static network.mysterium.service.wireguard.Shell.run;
import static network.mysterium.service.wireguard.Shell.runQuietly;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import network.mysterium.tun.LinuxTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our device to our device: two TUN devices, each in a network namespace of its own, their UDP
 * going through a relay on loopback that records every datagram, can drop them all, and can replay
 * one. The devices' clock is the test's, so the timers can be walked through without waiting.
 */
class WireGuardDeviceTest {
  private final SecureRandom random = new SecureRandom();
  private final String suffix = HexFormat.of().formatHex(random.generateSeed(2));
  private final String nsA = "mys-da-" + suffix;
  private final String nsB = "mys-db-" + suffix;
  private final int subnet = 100 + random.nextInt(100);
  private final String addressA = "10.94." + subnet + ".1";
  private final String addressB = "10.94." + subnet + ".2";
  private final AtomicLong clock = new AtomicLong(System.nanoTime());
  private final byte[] keyA = WireGuardCrypto.newPrivateKey(random);
  private final byte[] keyB = WireGuardCrypto.newPrivateKey(random);
  private final AtomicLong receivedByB = new AtomicLong();
  private Relay relay;
  private WireGuardDevice a;
  private WireGuardDevice b;
  private Peer bAtA;
  private Peer aAtB;

  @BeforeEach
  void namespaces() throws Exception {
    run("ip", "netns", "add", nsA);
    run("ip", "netns", "add", nsB);
    relay = new Relay();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (WireGuardDevice d : new WireGuardDevice[] {a, b}) {
      if (d != null) {
        d.close();
      }
    }
    relay.close();
    runQuietly("ip", "netns", "del", nsA);
    runQuietly("ip", "netns", "del", nsB);
  }

  /** Both devices up; B knows A by {@code aPublicAtB}; B answers with cookies above the limit. */
  private void devices(byte[] aPublicAtB, int bUnderLoadLimit) throws Exception {
    a = device("mysa" + suffix, nsA, addressA, keyA, 256);
    b = device("mysb" + suffix, nsB, addressB, keyB, bUnderLoadLimit);
    relay.connect(a.address(), b.address());
    bAtA =
        a.addPeer(
            WireGuardCrypto.publicKey(keyB),
            new byte[32],
            List.of(IpPrefix.parse(addressB + "/32")),
            relay.address(),
            0,
            Peer.Traffic.NONE);
    aAtB =
        b.addPeer(
            aPublicAtB,
            new byte[32],
            List.of(IpPrefix.parse(addressA + "/32")),
            relay.address(),
            0,
            new Peer.Traffic() {
              @Override
              public void received(long bytes) {
                receivedByB.addAndGet(bytes);
              }
            });
  }

  private WireGuardDevice device(String name, String ns, String address, byte[] key, int limit)
      throws Exception {
    LinuxTun tun = LinuxTun.open(name, 1420);
    run("ip", "link", "set", tun.name(), "netns", ns);
    run("ip", "-n", ns, "addr", "add", address + "/24", "dev", tun.name());
    run("ip", "-n", ns, "link", "set", tun.name(), "up");
    return WireGuardDevice.start(
        tun,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        key,
        new WireGuardDevice.Options(limit, clock::get));
  }

  private boolean ping(String ns, String to) {
    return runQuietly("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "2", to);
  }

  @Test
  void eitherSideInitiatesAndPingsCrossBothWays() throws Exception {
    devices(WireGuardCrypto.publicKey(keyA), 256);
    // B's first packet makes B the initiator; A answers as responder
    assertThat(ping(nsB, addressA)).isTrue();
    assertThat(ping(nsA, addressB)).isTrue();
    assertThat(relay.count(1, false)).as("initiations from B").isGreaterThanOrEqualTo(1);
    assertThat(relay.count(2, true)).as("responses from A").isGreaterThanOrEqualTo(1);
    assertThat(bAtA.lastHandshakeEpochMillis()).isPositive();
    assertThat(bAtA.rxBytes()).isPositive();
    assertThat(bAtA.txBytes()).isPositive();
  }

  @Test
  void aReplayedTransportMessageIsDropped() throws Exception {
    devices(WireGuardCrypto.publicKey(keyA), 256);
    assertThat(ping(nsA, addressB)).isTrue();
    byte[] captured =
        relay.seen.stream()
            .filter(d -> d.fromA() && d.bytes()[0] == 4 && d.bytes().length > 32)
            .findFirst()
            .orElseThrow()
            .bytes();
    long before = receivedByB.get();
    relay.inject(captured, true);
    relay.inject(captured, true);
    // B reads its socket in order: once the next ping is through, the replays were handled
    assertThat(ping(nsA, addressB)).as("the tunnel still works").isTrue();
    assertThat(receivedByB.get())
        .as("bytes B took in: only the echo request (20 + 8 + ping's 56), not the replays")
        .isEqualTo(before + 84);
  }

  @Test
  void aHandshakeFromAStaticKeyTheResponderDoesNotKnowFails() throws Exception {
    // B expects another key for the peer at A's addresses
    devices(WireGuardCrypto.publicKey(WireGuardCrypto.newPrivateKey(random)), 256);
    a.connect(bAtA);
    await(() -> b.refused(HandshakeRefusal.UNKNOWN_PEER) >= 1, "B refusing the stranger");
    assertThat(relay.count(1, true)).isGreaterThanOrEqualTo(1);
    assertThat(relay.count(2, false)).as("responses from B").isZero();
    assertThat(bAtA.established()).isFalse();
    assertThat(ping(nsA, addressB)).isFalse();
  }

  @Test
  void underLoadTheResponderSendsACookieAndTheInitiatorProvesItsAddressWithMac2() throws Exception {
    devices(WireGuardCrypto.publicKey(keyA), 0); // every initiation counts as "under load"
    a.connect(bAtA);
    await(() -> relay.count(3, false) >= 1, "a cookie reply from B");
    assertThat(relay.count(2, false)).as("no Diffie-Hellman for the unproven").isZero();
    clock.addAndGet(WireGuardSpec.REKEY_TIMEOUT + WireGuardSpec.SECOND / 2);
    await(bAtA::established, "the handshake with mac2");
    byte[] last =
        relay.seen.stream().filter(d -> d.fromA() && d.bytes()[0] == 1).toList().getLast().bytes();
    assertThat(Arrays.copyOfRange(last, 132, 148)).isNotEqualTo(new byte[16]);
    assertThat(ping(nsA, addressB)).isTrue();
  }

  @Test
  void handshakesAreRetriedWithJitterGivenUpAfterTheAttemptTimeAndRekeyedAfterTheirTime()
      throws Exception {
    devices(WireGuardCrypto.publicKey(keyA), 256);
    relay.dropping.set(true);
    a.connect(bAtA);
    await(() -> relay.count(1, true) == 1, "the first initiation");
    clock.addAndGet(WireGuardSpec.REKEY_TIMEOUT - WireGuardSpec.SECOND);
    awaitTimerPasses(a);
    assertThat(relay.count(1, true)).as("no retry before REKEY_TIMEOUT").isEqualTo(1);
    clock.addAndGet(WireGuardSpec.SECOND + WireGuardSpec.SECOND / 3);
    await(() -> relay.count(1, true) == 2, "a retry after REKEY_TIMEOUT plus jitter");
    clock.addAndGet(WireGuardSpec.REKEY_ATTEMPT_TIME);
    awaitTimerPasses(a);
    int afterGivingUp = relay.count(1, true);
    clock.addAndGet(WireGuardSpec.REKEY_TIMEOUT * 2);
    awaitTimerPasses(a);
    assertThat(relay.count(1, true)).as("no retries after giving up").isEqualTo(afterGivingUp);

    relay.dropping.set(false);
    assertThat(ping(nsA, addressB)).as("a packet starts a new handshake").isTrue();
    int initiations = relay.count(1, true);
    clock.addAndGet(WireGuardSpec.REKEY_AFTER_TIME);
    assertThat(ping(nsA, addressB)).isTrue();
    await(() -> relay.count(1, true) > initiations, "a rekey by the initiator");
    assertThat(ping(nsA, addressB)).as("traffic on the new session").isTrue();

    // no handshake for longer than REJECT_AFTER_TIME: the old keys carry nothing
    relay.dropping.set(true);
    clock.addAndGet(WireGuardSpec.REJECT_AFTER_TIME);
    relay.dropping.set(false);
    assertThat(ping(nsA, addressB)).as("the packet waits for a new handshake").isTrue();
    await(() -> relay.count(1, true) > initiations + 1, "a new handshake after reject time");
  }

  @Test
  void garbageAndLowOrderPointsAreCountedWithoutPuttingTheResponderUnderLoad() throws Exception {
    devices(WireGuardCrypto.publicKey(keyA), 10); // cookies only above 10 valid initiations/s
    byte[] lowOrder = new byte[Initiator.INITIATION_SIZE];
    random.nextBytes(lowOrder);
    lowOrder[0] = 1;
    lowOrder[1] = lowOrder[2] = lowOrder[3] = 0;
    Arrays.fill(lowOrder, 8, 40, (byte) 0); // the ephemeral key u=0
    byte[] mac1Key =
        WireGuardCrypto.hash(WireGuardCrypto.LABEL_MAC1, WireGuardCrypto.publicKey(keyB));
    System.arraycopy(WireGuardCrypto.mac(mac1Key, lowOrder, 116), 0, lowOrder, 116, 16);
    relay.inject(lowOrder, true); // before the burst, which loopback UDP may partly drop
    await(() -> b.refused(HandshakeRefusal.LOW_ORDER_POINT) == 1, "the low-order point refused");
    for (int i = 0; i < 500; i++) {
      byte[] garbage = new byte[Initiator.INITIATION_SIZE];
      random.nextBytes(garbage);
      garbage[0] = 1;
      garbage[1] = garbage[2] = garbage[3] = 0;
      relay.inject(garbage, true);
    }
    await(() -> b.refused(HandshakeRefusal.BAD_MAC1) > 0, "garbage refused at mac1");
    // UDP on loopback may drop some of the burst; whatever arrived was refused at mac1
    assertThat(b.refused(HandshakeRefusal.BAD_MAC1)).isBetween(1L, 500L);
    assertThat(relay.count(3, false)).as("cookie replies to garbage").isZero();
    assertThat(ping(nsA, addressB)).as("A's handshake is answered without a cookie").isTrue();
    assertThat(relay.count(3, false)).isZero();
    assertThat(b.refused(HandshakeRefusal.COOKIE_SENT)).isZero();
  }

  @Test
  void aPeersInitiationsAreTakenAtMostFiftyTimesASecond() throws Exception {
    devices(WireGuardCrypto.publicKey(keyA), 256);
    int responsesBefore = relay.count(2, false);
    for (int i = 0; i < 5; i++) { // A's key, new timestamps, within the same instant of B's clock
      Initiator initiator =
          new Initiator(keyA, WireGuardCrypto.publicKey(keyB), new byte[32], random.nextInt());
      relay.inject(initiator.initiation(random, Instant.now().plusMillis(i)), true);
    }
    await(
        () -> b.refused(HandshakeRefusal.FLOOD) + relay.count(2, false) - responsesBefore == 5,
        "all five handled");
    assertThat(relay.count(2, false) - responsesBefore).as("answered").isEqualTo(1);
    assertThat(b.refused(HandshakeRefusal.FLOOD)).isEqualTo(4);
    clock.addAndGet(WireGuardSpec.INITIATION_INTERVAL);
    Initiator later =
        new Initiator(keyA, WireGuardCrypto.publicKey(keyB), new byte[32], random.nextInt());
    relay.inject(later.initiation(random, Instant.now().plusSeconds(1)), true);
    await(() -> relay.count(2, false) - responsesBefore == 2, "one more after 1/50 s");
  }

  /** Two passes of the device's timer thread: at least one whole pass saw the clock as it is. */
  private static void awaitTimerPasses(WireGuardDevice device) throws Exception {
    long start = device.timerPasses();
    await(() -> device.timerPasses() >= start + 2, "two timer passes");
  }

  private static void await(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** The wire between the devices: forwards, records, drops on demand, replays. */
  private static final class Relay implements AutoCloseable {
    record Datagram(boolean fromA, byte[] bytes) {}

    final List<Datagram> seen = new CopyOnWriteArrayList<>();
    final AtomicBoolean dropping = new AtomicBoolean();
    private final DatagramSocket socket;
    private final Thread thread;
    private volatile InetSocketAddress deviceA;
    private volatile InetSocketAddress deviceB;

    Relay() throws Exception {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      thread = Thread.ofPlatform().daemon().start(this::forward);
    }

    void connect(InetSocketAddress a, InetSocketAddress b) {
      deviceA = new InetSocketAddress(InetAddress.getLoopbackAddress(), a.getPort());
      deviceB = new InetSocketAddress(InetAddress.getLoopbackAddress(), b.getPort());
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    int count(int type, boolean fromA) {
      return (int) seen.stream().filter(d -> d.fromA() == fromA && d.bytes()[0] == type).count();
    }

    void inject(byte[] bytes, boolean toB) throws Exception {
      socket.send(new DatagramPacket(bytes, bytes.length, toB ? deviceB : deviceA));
    }

    private void forward() {
      DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
      while (!socket.isClosed()) {
        try {
          socket.receive(packet);
          boolean fromA = packet.getPort() == deviceA.getPort();
          byte[] bytes = Arrays.copyOf(packet.getData(), packet.getLength());
          seen.add(new Datagram(fromA, bytes));
          if (!dropping.get()) {
            socket.send(new DatagramPacket(bytes, bytes.length, fromA ? deviceB : deviceA));
          }
        } catch (Exception e) {
          // closed
        }
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(2000);
    }
  }
}
