package network.mysterium.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import network.mysterium.consumer.Connector;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.node.ConnectionOptions;
import network.mysterium.node.Node;
import network.mysterium.node.ProposalFilter;
import network.mysterium.node.ServiceTypes;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;

/**
 * The first paid connection, end to end, on a {@link LocalNetwork}: three providers in two
 * countries at different prices; a consumer finds the cheapest in the requested country, pays,
 * fetches a page from a local web server through the SOCKS5 service, disconnects, and the provider
 * clears the promises on chain.
 */
public final class Demo {
  /** The providers the demo starts: two in Germany, one (cheapest overall) in France. */
  public static final List<LocalNetwork.ProviderSpec> PROVIDERS =
      List.of(
          new LocalNetwork.ProviderSpec("DE", 3320, "0.02"),
          new LocalNetwork.ProviderSpec("DE", 24940, "0.01"),
          new LocalNetwork.ProviderSpec("FR", 16276, "0.005"));

  /** The page the consumer fetches: 2 MiB. */
  static final byte[] PAGE =
      "Mysterium demo page: hello through a paid SOCKS5 session.\n"
          .repeat(36_158)
          .getBytes(StandardCharsets.US_ASCII);

  /** What happened, for the summary. */
  public record Summary(
      ServiceProposal chosen,
      int candidates,
      long bytesFetched,
      long bytesMetered,
      BigInteger meteredCost,
      BigInteger promised,
      BigInteger fee,
      BigInteger leftoverCredit,
      BigInteger consumerBefore,
      BigInteger consumerAfter,
      BigInteger providerBefore,
      BigInteger providerAfter) {}

  private Demo() {}

  public static Summary run(LocalNetwork network, String country, LocalNetwork.Progress progress)
      throws Exception {
    for (LocalNetwork.ProviderSpec spec : PROVIDERS) {
      progress.step("demo.step.provider", spec.country(), spec.pricePerMegabyte());
      network.startProvider(spec, SessionEvents.none());
    }
    progress.step("demo.step.consumer");
    HttpServer web =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, PAGE.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(PAGE);
          }
        });
    web.start();
    PrivateKey key = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
    Address consumer = key.address();
    // the node owns the key: it wipes it when it stops
    try (Node node = Node.start(network.nodeConfig(network.workDir().resolve("consumer")), key)) {
      PaymentsContract payments =
          new PaymentsContract(network.client(), network.deployment().payments());
      progress.step("demo.step.search", country);
      List<ProposalIndex.Listing> found =
          node.proposals(ProposalFilter.of(ServiceTypes.SOCKS5, country));
      ServiceProposal cheapest = found.isEmpty() ? null : found.getFirst().proposal();
      ProviderNode provider =
          network.providers().stream()
              .filter(p -> cheapest != null && p.address().equals(cheapest.provider()))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no provider in " + country));
      BigInteger consumerBefore = payments.balanceOf(consumer.toString());
      BigInteger providerBefore = payments.balanceOf(provider.address().toString());
      progress.step(
          "demo.step.connect", cheapest.provider(), cheapest.pricePerUnit(), found.size());
      long fetched;
      SessionEvents.Metering last;
      try (ConsumerSession session =
          node.connect(
              found,
              ConnectionOptions.socks5().withPaymentStep(Myst.parse("0.05")),
              SessionEvents.none(),
              new Connector.Attempts() {})) {
        progress.step("demo.step.fetch", "127.0.0.1:" + session.socksAddress().getPort());
        fetched =
            fetchThroughSocks(session.socksAddress(), "localhost", web.getAddress().getPort());
        Thread.sleep(1200); // a couple of metering intervals: the consumer pays as advised
        progress.step("demo.step.disconnect");
        node.disconnect();
      }
      progress.step("demo.step.clear");
      waitForClearing(provider, consumer, Duration.ofSeconds(60));
      BigInteger consumerAfter = payments.balanceOf(consumer.toString());
      BigInteger providerAfter = payments.balanceOf(provider.address().toString());
      BigInteger promised = node.totalPromised(provider.address()).baseUnits();
      BigInteger fee =
          promised
              .multiply(BigInteger.valueOf(LocalNetwork.FEE_BASIS_POINTS))
              .divide(BigInteger.valueOf(10_000));
      BigInteger cost = provider.accounts().consumed(consumer);
      return new Summary(
          cheapest,
          found.size(),
          fetched,
          fetched,
          cost,
          promised,
          fee,
          provider.leftover(consumer),
          consumerBefore,
          consumerAfter,
          providerBefore,
          providerAfter);
    } finally {
      web.stop(0);
    }
  }

  /** A plain HTTP/1.0 GET through a SOCKS5 proxy, the host name resolved by the provider. */
  static long fetchThroughSocks(InetSocketAddress socks, String host, int port) throws IOException {
    try (Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, socks))) {
      socket.connect(InetSocketAddress.createUnresolved(host, port), 15_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] all = in.readAllBytes();
      String text = new String(all, StandardCharsets.ISO_8859_1);
      int bodyStart = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.") || !text.contains(" 200 ") || bodyStart < 0) {
        throw new IOException("unexpected answer through the proxy");
      }
      return all.length - (bodyStart + 4);
    }
  }

  private static void waitForClearing(ProviderNode provider, Address consumer, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (provider.promises().held(consumer).isEmpty()
          && provider.promises().lastCleared(consumer) > 0) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the provider did not clear within " + timeout);
  }
}
