package network.mysterium.net.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each {@link Nat} kind behaves as RFC 4787 defines it, seen from the Internet: a "what is my
 * address" responder on two public hosts reports the mapping, a never-contacted public host probes
 * the filtering, and two inside hosts try a simultaneous-open hole punch. The expected outcomes
 * follow from the definitions, not from the rules: a punch needs each side's learned mapping to be
 * the one its peer sees (endpoint-independent mapping) or the peer to let in anyone
 * (endpoint-independent filtering).
 */
class TestInternetTest {
  private static final Duration HEARD = Duration.ofSeconds(2);

  /** How long a punch round waits for the peer before sending again: pacing only. */
  private static final Duration ROUND = Duration.ofMillis(50);

  private static final AtomicInteger PORTS = new AtomicInteger(20000);
  private static NatMatrix matrix;
  private static Host stunHostA;
  private static InetSocketAddress stunA;
  private static InetSocketAddress stunB;
  private static Host stranger;

  @BeforeAll
  static void internet() throws IOException {
    matrix = NatMatrix.create();
    stunHostA = matrix.internet().publicHost("stun-a");
    stunA = stunHostA.startAddressResponder(3478);
    stunB = matrix.internet().publicHost("stun-b").startAddressResponder(3478);
    stranger = matrix.internet().publicHost("stranger");
  }

  @AfterAll
  static void removed() {
    if (matrix != null) {
      matrix.close();
    }
  }

  private static int nextPort() {
    return PORTS.getAndIncrement();
  }

  @ParameterizedTest
  @EnumSource(Nat.class)
  void theMappingIsTheRoutersWanAddressAndDependsOnTheDestinationOnlyWhenSymmetric(Nat nat)
      throws IOException {
    UdpSocket socket = matrix.consumer(nat).udp(nextPort());
    InetSocketAddress toA = socket.mappedBy(stunA);
    InetSocketAddress toB = socket.mappedBy(stunB);
    InetSocketAddress toAAgain = socket.mappedBy(stunA);

    InetAddress wan = matrix.consumerHome(nat).wan();
    assertThat(List.of(toA.getAddress(), toB.getAddress())).containsOnly(wan);
    assertThat(toAAgain).isEqualTo(toA); // a mapping is kept while in use
    if (nat == Nat.SYMMETRIC) {
      // fully random: a collision of the two ports has a chance of 1 in 64 512
      assertThat(toB.getPort()).isNotEqualTo(toA.getPort());
    } else {
      assertThat(toB).isEqualTo(toA);
    }
  }

  @Test
  void aPublicHostIsSeenAtItsOwnAddress() throws IOException {
    Host provider = matrix.publicProvider();
    UdpSocket socket = provider.udp(nextPort());

    assertThat(socket.mappedBy(stunA))
        .isEqualTo(new InetSocketAddress(provider.address(), socket.port()));
  }

  @ParameterizedTest
  @EnumSource(Nat.class)
  void aStrangerReachesTheMappedPortOnlyThroughEndpointIndependentFiltering(Nat nat)
      throws IOException {
    UdpSocket inside = matrix.consumer(nat).udp(nextPort());
    UdpSocket contacted = stunHostA.udp(0);
    UdpSocket probe = stranger.udp(0);
    inside.send(at(contacted), "hello");
    InetSocketAddress mapped = contacted.receive(HEARD).orElseThrow().from();
    assertThat(mapped.getAddress()).isEqualTo(matrix.consumerHome(nat).wan());

    probe.send(mapped, "stranger");
    contacted.send(mapped, "marker"); // sent after the stranger's: the mapping is still there
    assertThat(inside.receive(d -> d.payload().equals("marker"), HEARD)).isPresent();

    Optional<UdpSocket.Datagram> fromStranger =
        inside.receive(d -> d.payload().equals("stranger"), Duration.ZERO);
    if (nat == Nat.ENDPOINT_INDEPENDENT) {
      assertThat(fromStranger.or(() -> inside.receive(d -> d.payload().equals("stranger"), HEARD)))
          .map(UdpSocket.Datagram::from)
          .contains(at(probe));
    } else {
      assertThat(fromStranger).isEmpty();
    }
  }

  /**
   * Two hosts behind one endpoint-independent router, bound to the same port, each talking to a
   * different destination (where masquerade alone would give both that port): each keeps one
   * mapping for every destination, the two never share one, and a stranger's datagram to each
   * reaches the right host.
   */
  @Test
  void endpointIndependentMappingsOfTwoHostsOnOnePortStaySeparate() throws IOException {
    Home home = matrix.internet().home("shared", Nat.ENDPOINT_INDEPENDENT);
    int port = nextPort();
    UdpSocket first = home.host("first").udp(port);
    UdpSocket second = home.host("second").udp(port);

    InetSocketAddress firstToA = first.mappedBy(stunA);
    InetSocketAddress secondToB = second.mappedBy(stunB);
    InetSocketAddress firstToB = first.mappedBy(stunB);
    InetSocketAddress secondToA = second.mappedBy(stunA);

    assertThat(firstToB).isEqualTo(firstToA);
    assertThat(secondToA).isEqualTo(secondToB);
    assertThat(secondToA).isNotEqualTo(firstToA);
    UdpSocket probe = stranger.udp(0);
    probe.send(firstToA, "to-first");
    probe.send(secondToA, "to-second");
    assertThat(first.receive(d -> d.payload().equals("to-first"), HEARD)).isPresent();
    assertThat(second.receive(d -> d.payload().equals("to-second"), HEARD)).isPresent();
    assertThat(first.pending()).extracting(UdpSocket.Datagram::payload).doesNotContain("to-second");
  }

  /**
   * A consumer and a provider, each first learning its mapping from a responder, send to each
   * other's learned mapping at the same time, a few rounds. Both hear each other when both mappings
   * are endpoint-independent (EIM or PR): each side's first datagrams may be dropped by the peer's
   * filter until the peer has sent its own, then they pass. A symmetric side's datagrams come from
   * a new mapping, so they pass only an endpoint-independent filter, and what is sent to its
   * learned mapping (made for the responder) never passes its filter: with an EIM peer that is one
   * way only, which a reply to the observed source then completes (as ICE's peer-reflexive
   * candidates do); with a PR or symmetric peer nothing gets through.
   */
  @ParameterizedTest(name = "consumer {0} / provider {1}")
  @CsvSource({
    "ENDPOINT_INDEPENDENT, ENDPOINT_INDEPENDENT, true,  true",
    "ENDPOINT_INDEPENDENT, PORT_RESTRICTED,      true,  true",
    "ENDPOINT_INDEPENDENT, SYMMETRIC,            true,  false",
    "PORT_RESTRICTED,      ENDPOINT_INDEPENDENT, true,  true",
    "PORT_RESTRICTED,      PORT_RESTRICTED,      true,  true",
    "PORT_RESTRICTED,      SYMMETRIC,            false, false",
    "SYMMETRIC,            ENDPOINT_INDEPENDENT, false, true",
    "SYMMETRIC,            PORT_RESTRICTED,      false, false",
    "SYMMETRIC,            SYMMETRIC,            false, false",
  })
  void holePunch(
      Nat consumerNat,
      Nat providerNat,
      boolean consumerHearsProvider,
      boolean providerHearsConsumer)
      throws IOException {
    UdpSocket consumer = matrix.consumer(consumerNat).udp(nextPort());
    UdpSocket provider = matrix.provider(providerNat).udp(nextPort());
    InetSocketAddress consumerMapped = consumer.mappedBy(stunA);
    InetSocketAddress providerMapped = provider.mappedBy(stunA);

    Optional<UdpSocket.Datagram> atConsumer = Optional.empty();
    Optional<UdpSocket.Datagram> atProvider = Optional.empty();
    for (int round = 0; round < 5 && (atConsumer.isEmpty() || atProvider.isEmpty()); round++) {
      consumer.send(providerMapped, "punch-from-consumer");
      provider.send(consumerMapped, "punch-from-provider");
      atConsumer = atConsumer.or(() -> heard(consumer, "punch-from-provider", ROUND));
      atProvider = atProvider.or(() -> heard(provider, "punch-from-consumer", ROUND));
    }
    // A barrier, not a wait: a datagram that reached a socket before the responder's answer to a
    // later question has been read by the time that answer is.
    consumer.mappedBy(stunA);
    provider.mappedBy(stunA);
    atConsumer = atConsumer.or(() -> heard(consumer, "punch-from-provider", Duration.ZERO));
    atProvider = atProvider.or(() -> heard(provider, "punch-from-consumer", Duration.ZERO));
    System.out.printf(
        "punch consumer %s / provider %s: consumer heard provider %s, provider heard consumer %s%n",
        consumerNat, providerNat, atConsumer.isPresent(), atProvider.isPresent());

    assertThat(atConsumer.isPresent()).isEqualTo(consumerHearsProvider);
    assertThat(atProvider.isPresent()).isEqualTo(providerHearsConsumer);
    if (consumerHearsProvider && providerHearsConsumer) {
      // both mappings endpoint-independent: each is seen where the responder saw it
      assertThat(atConsumer.get().from()).isEqualTo(providerMapped);
      assertThat(atProvider.get().from()).isEqualTo(consumerMapped);
    } else if (consumerHearsProvider || providerHearsConsumer) {
      UdpSocket heard = consumerHearsProvider ? consumer : provider;
      UdpSocket deaf = consumerHearsProvider ? provider : consumer;
      InetSocketAddress observed = (consumerHearsProvider ? atConsumer : atProvider).get().from();
      heard.send(observed, "reply-to-observed");
      assertThat(deaf.receive(d -> d.payload().equals("reply-to-observed"), HEARD)).isPresent();
      System.out.println("  a reply to the observed source " + observed + " got through");
    }
  }

  private static Optional<UdpSocket.Datagram> heard(
      UdpSocket socket, String payload, Duration within) {
    return socket.receive(d -> d.payload().equals(payload), within);
  }

  /** A JVM started in a namespace behind a NAT talks through it. */
  @Test
  void aJavaProcessRunsInAHostsNamespace() throws Exception {
    Host consumer = matrix.consumer(Nat.PORT_RESTRICTED);
    Process java =
        consumer.startJava(
            WhatIsMyAddress.class,
            stunA.getAddress().getHostAddress(),
            Integer.toString(stunA.getPort()));
    String line;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(java.getInputStream(), StandardCharsets.UTF_8))) {
      line = out.readLine();
    }
    assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(line)
        .startsWith(matrix.consumerHome(Nat.PORT_RESTRICTED).wan().getHostAddress() + ":");
  }

  /** Asks a responder (address, port) for its mapped address and prints it. */
  public static final class WhatIsMyAddress {
    public static void main(String[] args) throws IOException {
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.setSoTimeout(2000);
        byte[] question = "?".getBytes(StandardCharsets.US_ASCII);
        socket.send(
            new DatagramPacket(
                question,
                question.length,
                new InetSocketAddress(InetAddress.ofLiteral(args[0]), Integer.parseInt(args[1]))));
        DatagramPacket answer = new DatagramPacket(new byte[100], 100);
        socket.receive(answer);
        System.out.println(
            new String(
                Arrays.copyOf(answer.getData(), answer.getLength()), StandardCharsets.US_ASCII));
      }
    }
  }

  /**
   * A second Internet beside the class's one, with the same host names and addresses (they live in
   * other namespaces), works and leaves nothing when closed.
   */
  @Test
  void closeLeavesNoNamespaceVethOrProcess() throws Exception {
    List<String> rootVethsBefore = rootVeths();
    TestInternet internet = TestInternet.create();
    Host server = internet.publicHost("stun-a");
    Host inside = internet.home("home-c-sym", Nat.SYMMETRIC).host("consumer-sym");
    assertThat(server.address()).isEqualTo(matrix.chain().address());
    server.startAddressResponder(3478);
    UdpSocket socket = inside.udp(0);
    Process sleeper = inside.start("sleep", "600");
    List<ProcessHandle> started = List.of(sleeper.toHandle());
    assertThat(socket.mappedBy(new InetSocketAddress(server.address(), 3478)).getAddress())
        .isEqualTo(internet.homes().getFirst().wan());
    List<String> ours = internet.namespaces();
    assertThat(ours).hasSize(4).allMatch(ns -> ns.startsWith(internet.id() + "-"));
    assertThat(namespaceList()).containsAll(ours);
    List<ProcessHandle> inNamespaces =
        ours.stream().flatMap(TestInternetTest::pids).toList(); // responder, socket, sleep
    assertThat(inNamespaces).hasSize(3).containsAll(started);

    internet.close();

    assertThat(namespaceList()).doesNotContainAnyElementsOf(ours);
    assertThat(inNamespaces).noneMatch(ProcessHandle::isAlive);
    assertThat(rootVeths()).isSubsetOf(rootVethsBefore); // none was ever made there
  }

  private static List<String> namespaceList() throws IOException {
    return Shell.run("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).toList();
  }

  private static java.util.stream.Stream<ProcessHandle> pids(String ns) {
    try {
      return Shell.run("ip", "netns", "pids", ns)
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .map(Long::parseLong)
          .map(ProcessHandle::of)
          .flatMap(Optional::stream);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> rootVeths() throws IOException {
    return Shell.run("ip", "-o", "link", "show", "type", "veth")
        .lines()
        .map(l -> l.split(": ")[1].split("@")[0])
        .toList();
  }

  private static InetSocketAddress at(UdpSocket socket) {
    return new InetSocketAddress(socket.host().address(), socket.port());
  }
}
