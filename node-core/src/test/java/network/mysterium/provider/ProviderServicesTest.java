package network.mysterium.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.messaging.channel.UdpChannel;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.relay.RelayServer;
import network.mysterium.relay.RelayedChannel;
import network.mysterium.relay.TcpSplices;
import network.mysterium.service.Meter;
import network.mysterium.service.proto.Socks5Offer;
import network.mysterium.service.socks.SessionGate;
import network.mysterium.service.socks.Socks5Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SOCKS5 service as a provider starts it: with the node's relays' splices it offers the relay's
 * TCP port when the node is behind a NAT, and serves what the relay splices to it; without, its own
 * port. On loopback a relay sees the node at its own address, so the test's splices say what a
 * NATed node's would (the NAT tests show the real decision).
 */
class ProviderServicesTest {
  private static final InetSocketAddress ANY_LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final byte[] PAGE =
      "through the provider's relay\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);

  private final SecureRandom random = new SecureRandom();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final byte[] sessionId = new byte[16];
  private final Meter providerMeter = new Meter();
  private HttpServer web;

  @BeforeEach
  void web() throws IOException {
    random.nextBytes(sessionId);
    web = HttpServer.create(ANY_LOOPBACK, 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, PAGE.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(PAGE);
          }
        });
    web.start();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    web.stop(0);
  }

  private ProviderServices.Started socks(TcpSplices splices) throws Exception {
    SessionGate gate =
        token -> Arrays.equals(token, sessionId) ? Optional.of(providerMeter) : Optional.empty();
    ProviderServices.Started started =
        ProviderServices.standard()
            .starter("socks5")
            .start(
                LocalNetwork.providerConfig(
                    new LocalNetwork.ProviderSpec("FR", 3215, "0.01"),
                    ClearingPolicy.defaults(),
                    ProviderNode.Offering.defaults(),
                    Contact.parse("udp://127.0.0.1:0")),
                gate,
                splices);
    resources.add(started.service());
    return started;
  }

  /** What a consumer does with the offer: its local proxy, and a page fetched through it. */
  private byte[] fetch(byte[] offer) throws Exception {
    Socks5Client client = new Socks5Client(ANY_LOOPBACK);
    resources.add(client);
    client.start(offer, sessionId, new Meter());
    try (Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, client.address()))) {
      socket.setSoTimeout(15_000);
      socket.connect(web.getAddress(), 10_000);
      socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] all = socket.getInputStream().readAllBytes();
      return Arrays.copyOfRange(all, all.length - PAGE.length, all.length);
    }
  }

  @Test
  void behindANatTheExitIsOfferedAtTheRelayAndServedThroughItsSplice() throws Exception {
    RelayServer relay =
        RelayServer.start(ANY_LOOPBACK, ANY_LOOPBACK, identity -> true, RelayServer.Limits.DEFAULT);
    resources.add(relay);
    PrivateKey key = PrivateKey.generate(random);
    resources.add(key::destroy);
    RelayedChannel channel =
        new RelayedChannel(
            UdpChannel.bind(ANY_LOOPBACK), key, List.of(relay.address()), Duration.ofSeconds(1));
    resources.add(channel);
    channel.start((datagram, from) -> {});
    InetSocketAddress splice =
        channel.registrations().getFirst().get(10, TimeUnit.SECONDS).splice().orElseThrow();
    TcpSplices natted =
        new TcpSplices() {
          @Override
          public Optional<InetSocketAddress> address() {
            return Optional.of(splice);
          }

          @Override
          public AutoCloseable serve(Consumer<Socket> service) {
            return channel.splices().serve(service);
          }
        };
    ProviderServices.Started started = socks(natted);
    byte[] offer = started.backend().open(sessionId, new byte[0], providerMeter);
    Socks5Offer parsed = Socks5Offer.parseFrom(offer);
    assertThat(parsed.getHost()).isEqualTo(splice.getAddress().getHostAddress());
    assertThat(parsed.getPort()).isEqualTo(splice.getPort());
    assertThat(fetch(offer)).isEqualTo(PAGE);
  }

  @Test
  void withoutRelaysTheExitIsOfferedAtItsOwnPort() throws Exception {
    ProviderServices.Started started = socks(TcpSplices.NONE);
    byte[] offer = started.backend().open(sessionId, new byte[0], providerMeter);
    Socks5Offer parsed = Socks5Offer.parseFrom(offer);
    assertThat(parsed.getHost()).isEqualTo("127.0.0.1");
    assertThat(fetch(offer)).isEqualTo(PAGE);
  }
}
