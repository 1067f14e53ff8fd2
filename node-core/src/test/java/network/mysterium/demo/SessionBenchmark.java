package network.mysterium.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid SOCKS5 session on loopback: time from connect (dialogue, first promise, session, local
 * proxy; the chain search done before) to the first byte of a page through the proxy, and bulk
 * throughput through the proxy against a direct connection to the same server, in the same run.
 * {@code ./mvnw -pl node-core -am test -Pbenchmarks -Dtest=SessionBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class SessionBenchmark {
  private static final int BULK = 64 * 1024 * 1024;
  @TempDir Path temp;

  @Test
  void connectToFirstByteAndThroughput() throws Exception {
    byte[] bulk = new byte[BULK];
    HttpServer web =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/small",
        exchange -> {
          byte[] page = "first byte".getBytes(StandardCharsets.US_ASCII);
          exchange.sendResponseHeaders(200, page.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(page);
          }
        });
    web.createContext(
        "/bulk",
        exchange -> {
          exchange.sendResponseHeaders(200, bulk.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(bulk);
          }
        });
    web.start();
    int port = web.getAddress().getPort();
    try (LocalNetwork network =
            LocalNetwork.start(AnvilExtension.binary(), temp, (key, args) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("100"), Myst.parse("100"))) {
      network.startProvider(
          new LocalNetwork.ProviderSpec("DE", 3320, "0.0001"), SessionEvents.none());
      try (Database database = Database.open(temp.resolve("consumer.db"));
          ConsumerNode node =
              ConsumerNode.start(
                  consumer,
                  database,
                  network.client(),
                  network.deployment(),
                  Contact.parse("udp://127.0.0.1:0"))) {
        List<ProposalIndex.Listing> found =
            node.search(ProposalIndex.Query.of(Optional.of("socks5"), Optional.empty(), 10));
        List<Double> firstByte = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
          long t0 = System.nanoTime();
          try (ConsumerSession session = connect(node, found)) {
            fetch(session.socksAddress(), port, "/small", true);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (i > 0) {
              firstByte.add(ms);
            }
          }
        }
        List<Double> proxied = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        try (ConsumerSession session = connect(node, found)) {
          for (int i = 0; i < 5; i++) {
            direct.add(megabytesPerSecond(() -> fetchDirect(port)));
            proxied.add(
                megabytesPerSecond(() -> fetch(session.socksAddress(), port, "/bulk", false)));
          }
        }
        double d = median(direct);
        double p = median(proxied);
        System.out.printf(
            "BENCHMARK session on loopback: connect to first byte median %.1f ms (p90 %.1f ms, %d"
                + " connects; chain search excluded); bulk %d MiB: through SOCKS5 %.0f MB/s, direct"
                + " %.0f MB/s, ratio %.2f (medians of 5)%n",
            median(firstByte),
            firstByte.stream().sorted().toList().get((int) (firstByte.size() * 0.9)),
            firstByte.size(),
            BULK / (1024 * 1024),
            p,
            d,
            p / d);
      }
    } finally {
      web.stop(0);
    }
  }

  private static ConsumerSession connect(ConsumerNode node, List<ProposalIndex.Listing> found)
      throws Exception {
    return node.connect(
        found,
        Myst.parse("0.01"),
        SessionEvents.none(),
        new Connector.Attempts() {},
        Duration.ofSeconds(15),
        (type, contact) ->
            new network.mysterium.service.socks.Socks5Client(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
  }

  private interface Transfer {
    long run() throws Exception;
  }

  private static double megabytesPerSecond(Transfer transfer) throws Exception {
    long t0 = System.nanoTime();
    long bytes = transfer.run();
    return bytes / 1e6 / ((System.nanoTime() - t0) / 1e9);
  }

  private static double median(List<Double> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }

  private static long fetch(InetSocketAddress socks, int port, String path, boolean firstByteOnly)
      throws Exception {
    try (Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, socks))) {
      socket.connect(InetSocketAddress.createUnresolved("localhost", port), 10_000);
      return exchange(socket, path, firstByteOnly);
    }
  }

  private static long fetchDirect(int port) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return exchange(socket, "/bulk", false);
    }
  }

  private static long exchange(Socket socket, String path, boolean firstByteOnly) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    if (firstByteOnly) {
      return in.read() >= 0 ? 1 : 0;
    }
    byte[] buffer = new byte[256 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      total += n;
    }
    return total;
  }
}
