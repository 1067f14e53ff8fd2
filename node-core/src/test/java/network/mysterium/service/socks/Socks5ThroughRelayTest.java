package network.mysterium.service.socks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.channel.UdpChannel;
import network.mysterium.relay.RelayRefusal;
import network.mysterium.relay.RelayServer;
import network.mysterium.relay.RelayedChannel;
import network.mysterium.service.Meter;
import network.mysterium.service.PinnedTls;
import network.mysterium.service.proto.Socks5Offer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SOCKS5 service through a relay's TCP splice, on loopback, driven by the stock curl: curl ->
 * the consumer's proxy -> TLS 1.3 (pinned) -> the relay's TCP port for the provider's allocation ->
 * spliced to the provider's dial-back -> the provider's exit -> a local HTTP server. The exit
 * serves the dialed connection as one accepted at its own port: the same pin, gate and meter.
 */
class Socks5ThroughRelayTest {
  private static final byte[] PAGE =
      "hello through the relay\n".repeat(40_000).getBytes(StandardCharsets.UTF_8);
  private static final InetSocketAddress ANY_LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final SecureRandom random = new SecureRandom();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final byte[] sessionId = new byte[16];
  private final Meter providerMeter = new Meter();
  private final Meter consumerMeter = new Meter();
  private HttpServer web;
  private PinnedTls tls;
  private RelayServer relay;
  private InetSocketAddress splice;

  @BeforeEach
  void provider() throws Exception {
    random.nextBytes(sessionId);
    web = HttpServer.create(ANY_LOOPBACK, 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, PAGE.length);
          exchange.getResponseBody().write(PAGE);
          exchange.close();
        });
    web.start();
    tls = PinnedTls.generate(random);
    relay =
        RelayServer.start(ANY_LOOPBACK, ANY_LOOPBACK, identity -> true, RelayServer.Limits.DEFAULT);
    resources.add(relay);
    Socks5Exit exit =
        Socks5Exit.start(
            tls,
            ANY_LOOPBACK,
            token ->
                Arrays.equals(token, sessionId) ? Optional.of(providerMeter) : Optional.empty(),
            true);
    resources.add(exit);
    PrivateKey key = PrivateKey.generate(random);
    resources.add(key::destroy);
    RelayedChannel channel =
        new RelayedChannel(
            UdpChannel.bind(ANY_LOOPBACK), key, List.of(relay.address()), Duration.ofSeconds(1));
    resources.add(channel);
    channel.start((datagram, from) -> {});
    resources.add(channel.splices().serve(exit::serveDialed));
    splice = channel.registrations().getFirst().get(10, TimeUnit.SECONDS).splice().orElseThrow();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    web.stop(0);
  }

  private Curl curl(byte[] pin, byte[] token) throws Exception {
    Socks5Proxy proxy =
        Socks5Proxy.onLoopback(new Socks5Proxy.Exit(splice, pin, token), consumerMeter);
    resources.add(proxy);
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--socks5-hostname",
                "127.0.0.1:" + proxy.address().getPort(),
                "http://localhost:" + web.getAddress().getPort() + "/")
            .start();
    try {
      byte[] body = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return new Curl(p.exitValue(), body, err);
    } finally {
      p.destroyForcibly();
    }
  }

  private record Curl(int exit, byte[] body, String err) {}

  @Test
  void curlFetchesAPageThroughTheRelaysSpliceAndBothSidesMeterIt() throws Exception {
    assertThat(splice.getAddress()).isEqualTo(relay.address().getAddress());
    Curl got = curl(tls.certificateSha256(), sessionId);
    assertThat(got.exit()).as(got.err()).isZero();
    assertThat(got.body()).isEqualTo(PAGE);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while ((providerMeter.bytesToConsumer() < PAGE.length
            || consumerMeter.bytesToConsumer() < PAGE.length)
        && System.nanoTime() < deadline) {
      Thread.sleep(10); // a relay counts a chunk after writing it on
    }
    assertThat(providerMeter.bytesToConsumer()).isGreaterThanOrEqualTo(PAGE.length);
    assertThat(consumerMeter.bytesToConsumer()).isGreaterThanOrEqualTo(PAGE.length);
    assertThat(providerMeter.bytesFromConsumer()).isPositive();
    for (RelayRefusal reason : RelayRefusal.values()) {
      assertThat(relay.refused(reason)).as(reason.name()).isZero();
    }
  }

  @Test
  void throughTheRelayAWrongTokenOrAnotherCertificateGetsNothingEither() throws Exception {
    byte[] wrongToken = sessionId.clone();
    wrongToken[0] ^= 1;
    Curl badToken = curl(tls.certificateSha256(), wrongToken);
    assertThat(badToken.exit()).isNotZero();
    assertThat(badToken.err()).endsWith("(2)\n"); // reply 2: not allowed, from the exit's gate

    Curl badPin = curl(PinnedTls.generate(random).certificateSha256(), sessionId);
    assertThat(badPin.exit()).isNotZero();
    assertThat(providerMeter.bytesToConsumer()).isZero();
  }

  @Test
  void theOfferNamesTheRelaysPortWhenTheProviderIsReachedThroughIt() throws Exception {
    InetSocketAddress exit = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4433);
    Socks5Offer direct =
        Socks5Offer.parseFrom(
            new Socks5Backend("203.0.113.7", exit, tls.certificateSha256(), Optional::empty)
                .open(sessionId, new byte[0], providerMeter));
    assertThat(direct.getHost() + ":" + direct.getPort()).isEqualTo("203.0.113.7:4433");
    Socks5Offer relayed =
        Socks5Offer.parseFrom(
            new Socks5Backend(
                    "203.0.113.7", exit, tls.certificateSha256(), () -> Optional.of(splice))
                .open(sessionId, new byte[0], providerMeter));
    assertThat(relayed.getHost() + ":" + relayed.getPort())
        .isEqualTo(splice.getAddress().getHostAddress() + ":" + splice.getPort());
    assertThat(relayed.getCertificateSha256().toByteArray()).isEqualTo(tls.certificateSha256());
  }
}
