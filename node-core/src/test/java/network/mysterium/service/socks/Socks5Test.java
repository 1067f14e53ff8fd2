package network.mysterium.service.socks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import network.mysterium.service.Meter;
import network.mysterium.service.PinnedTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SOCKS5 service end to end on loopback, driven by the stock curl: curl -> our local SOCKS5
 * proxy -> TLS 1.3 (pinned) -> the provider's exit -> a local HTTP server.
 */
class Socks5Test {
  private static final byte[] PAGE =
      "hello through the tunnel\n".repeat(4000).getBytes(StandardCharsets.UTF_8);
  private final SecureRandom random = new SecureRandom();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final byte[] sessionId = new byte[16];
  private final Meter providerMeter = new Meter();
  private final Meter consumerMeter = new Meter();
  private HttpServer web;
  private PinnedTls tls;

  @BeforeEach
  void setUp() throws IOException {
    random.nextBytes(sessionId);
    web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, PAGE.length);
          exchange.getResponseBody().write(PAGE);
          exchange.close();
        });
    web.start();
    tls = PinnedTls.generate(random);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    web.stop(0);
  }

  private SessionGate gate() {
    return token -> Arrays.equals(token, sessionId) ? Optional.of(providerMeter) : Optional.empty();
  }

  private Socks5Proxy proxy(boolean allowPrivate, byte[] pin, byte[] token) throws IOException {
    Socks5Exit exit =
        Socks5Exit.start(
            tls, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), gate(), allowPrivate);
    resources.add(exit);
    Socks5Proxy proxy =
        Socks5Proxy.onLoopback(new Socks5Proxy.Exit(exit.address(), pin, token), consumerMeter);
    resources.add(proxy);
    return proxy;
  }

  /** curl through the proxy; returns exit code and body. */
  private Curl curl(Socks5Proxy proxy, String url) throws Exception {
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--socks5-hostname",
                "127.0.0.1:" + proxy.address().getPort(),
                url)
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
  void curlFetchesAPageByNameThroughTheProviderAndBothSidesMeterIt() throws Exception {
    Socks5Proxy proxy = proxy(true, tls.certificateSha256(), sessionId);
    // "localhost" is resolved at the provider, not by curl
    Curl got = curl(proxy, "http://localhost:" + web.getAddress().getPort() + "/");
    assertThat(got.exit()).as(got.err()).isZero();
    assertThat(got.body()).isEqualTo(PAGE);
    // a relay counts a chunk after writing it on: curl may have it all a moment before the count
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while ((providerMeter.bytesToConsumer() < PAGE.length
            || consumerMeter.bytesToConsumer() < PAGE.length)
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(providerMeter.bytesToConsumer()).isGreaterThanOrEqualTo(PAGE.length);
    assertThat(consumerMeter.bytesToConsumer()).isGreaterThanOrEqualTo(PAGE.length);
    assertThat(providerMeter.bytesFromConsumer()).isPositive();
  }

  @Test
  void ipv6TargetsWork() throws Exception {
    HttpServer six = HttpServer.create(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0), 0);
    six.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 3);
          exchange.getResponseBody().write("six".getBytes(StandardCharsets.US_ASCII));
          exchange.close();
        });
    six.start();
    try {
      Socks5Proxy proxy = proxy(true, tls.certificateSha256(), sessionId);
      Curl got = curl(proxy, "http://[::1]:" + six.getAddress().getPort() + "/");
      assertThat(got.exit()).as(got.err()).isZero();
      assertThat(new String(got.body(), StandardCharsets.US_ASCII)).isEqualTo("six");
    } finally {
      six.stop(0);
    }
  }

  @Test
  void privateAndLoopbackTargetsAreRefusedByDefault() throws Exception {
    Socks5Proxy proxy = proxy(false, tls.certificateSha256(), sessionId);
    Curl got = curl(proxy, "http://127.0.0.1:" + web.getAddress().getPort() + "/");
    assertThat(got.exit()).isNotZero();
    assertThat(got.err()).contains("SOCKS5 connection").endsWith("(2)\n"); // reply 2: not allowed
  }

  @Test
  void namesResolvingToPrivateTargetsAndIpv6LoopbackAreRefusedByDefault() throws Exception {
    HttpServer six = HttpServer.create(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0), 0);
    six.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 3);
          exchange.getResponseBody().write("six".getBytes(StandardCharsets.US_ASCII));
          exchange.close();
        });
    six.start();
    try {
      Socks5Proxy proxy = proxy(false, tls.certificateSha256(), sessionId);
      // a name the provider resolves to loopback: checked after resolution, not by its spelling
      Curl byName = curl(proxy, "http://localhost:" + web.getAddress().getPort() + "/");
      assertThat(byName.exit()).isNotZero();
      assertThat(byName.err()).contains("SOCKS5 connection").endsWith("(2)\n");
      // IPv6 loopback, and IPv4 loopback in an IPv4-mapped IPv6 form
      Curl ipv6 = curl(proxy, "http://[::1]:" + six.getAddress().getPort() + "/");
      assertThat(ipv6.exit()).isNotZero();
      assertThat(ipv6.err()).contains("SOCKS5 connection").endsWith("(2)\n");
      Curl mapped = curl(proxy, "http://[::ffff:127.0.0.1]:" + web.getAddress().getPort() + "/");
      assertThat(mapped.exit()).isNotZero();
      assertThat(mapped.err()).contains("SOCKS5 connection").endsWith("(2)\n");
      // the same three are served where private targets are allowed: the refusal is the policy's
      Socks5Proxy open = proxy(true, tls.certificateSha256(), sessionId);
      assertThat(curl(open, "http://localhost:" + web.getAddress().getPort() + "/").exit())
          .isZero();
      assertThat(curl(open, "http://[::1]:" + six.getAddress().getPort() + "/").exit()).isZero();
    } finally {
      six.stop(0);
    }
  }

  @Test
  void smtpIsRefusedAndASessionHoldsAtMostItsShareOfConnections() throws Exception {
    Socks5Exit exit =
        Socks5Exit.start(
            tls,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            gate(),
            true,
            new Socks5Exit.Policy(java.util.Set.of(25), 2));
    resources.add(exit);
    Socks5Proxy proxy =
        Socks5Proxy.onLoopback(
            new Socks5Proxy.Exit(exit.address(), tls.certificateSha256(), sessionId),
            consumerMeter);
    resources.add(proxy);
    // a target that says nothing and hangs up when its client does: connections stay open
    java.net.ServerSocket target =
        new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    resources.add(target);
    Thread.ofVirtual()
        .start(
            () -> {
              while (!target.isClosed()) {
                try {
                  java.net.Socket c = target.accept();
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try (c) {
                              c.getInputStream().readAllBytes();
                            } catch (IOException e) {
                              // gone
                            }
                          });
                } catch (IOException e) {
                  return;
                }
              }
            });
    assertThat(socksConnect(proxy, 25, new java.net.Socket())).as("SMTP").isEqualTo(2);
    java.net.Socket first = new java.net.Socket();
    java.net.Socket second = new java.net.Socket();
    java.net.Socket third = new java.net.Socket();
    resources.add(first);
    resources.add(second);
    resources.add(third);
    assertThat(socksConnect(proxy, target.getLocalPort(), first)).isZero();
    assertThat(socksConnect(proxy, target.getLocalPort(), second)).isZero();
    assertThat(socksConnect(proxy, target.getLocalPort(), third)).as("over the cap").isEqualTo(2);
    first.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int code;
    do { // the exit notices the closed connection when its relay ends
      java.net.Socket again = new java.net.Socket();
      resources.add(again);
      code = socksConnect(proxy, target.getLocalPort(), again);
    } while (code != 0 && System.nanoTime() < deadline);
    assertThat(code).as("a connection again once one closed").isZero();
  }

  /** A SOCKS5 CONNECT to 127.0.0.1:port through the consumer's proxy; the reply code. */
  private static int socksConnect(Socks5Proxy proxy, int port, java.net.Socket socket)
      throws IOException {
    socket.connect(proxy.address(), 5000);
    socket.setSoTimeout(15_000);
    var out = socket.getOutputStream();
    var in = new java.io.DataInputStream(socket.getInputStream());
    out.write(new byte[] {5, 1, 0});
    byte[] method = new byte[2];
    in.readFully(method);
    out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
    byte[] reply = new byte[2];
    in.readFully(reply);
    return reply[1];
  }

  @Test
  void aWrongTokenOrAnotherCertificateGetsNothingThrough() throws Exception {
    byte[] wrongToken = sessionId.clone();
    wrongToken[0] ^= 1;
    Curl badToken =
        curl(
            proxy(true, tls.certificateSha256(), wrongToken),
            "http://127.0.0.1:" + web.getAddress().getPort() + "/");
    assertThat(badToken.exit()).isNotZero();
    assertThat(badToken.err()).endsWith("(2)\n"); // reply 2: not allowed

    byte[] otherPin = PinnedTls.generate(random).certificateSha256();
    Curl badPin =
        curl(
            proxy(true, otherPin, sessionId),
            "http://127.0.0.1:" + web.getAddress().getPort() + "/");
    assertThat(badPin.exit()).isNotZero();
    assertThat(providerMeter.bytesToConsumer()).isZero();
  }

  @Test
  void aStoppedSessionCarriesNothingMore() throws Exception {
    Socks5Proxy proxy = proxy(true, tls.certificateSha256(), sessionId);
    consumerMeter.stop();
    Curl got = curl(proxy, "http://127.0.0.1:" + web.getAddress().getPort() + "/");
    assertThat(got.exit()).isNotZero();
    assertThat(providerMeter.bytesToConsumer()).isZero();
  }
}
