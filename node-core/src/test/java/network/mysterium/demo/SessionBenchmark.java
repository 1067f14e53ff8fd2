package network.mysterium.demo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
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
    try (LoopbackWeb web = new LoopbackWeb(BULK);
        LocalNetwork network =
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
            web.fetch(session.socksAddress(), "/small", true);
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
            direct.add(LoopbackWeb.megabytesPerSecond(web::fetchDirect));
            proxied.add(
                LoopbackWeb.megabytesPerSecond(
                    () -> web.fetch(session.socksAddress(), "/bulk", false)));
          }
        }
        double d = LoopbackWeb.median(direct);
        double p = LoopbackWeb.median(proxied);
        System.out.printf(
            "BENCHMARK session on loopback: connect to first byte median %.1f ms (p90 %.1f ms, %d"
                + " connects; chain search excluded); bulk %d MiB: through SOCKS5 %.0f MB/s, direct"
                + " %.0f MB/s, ratio %.2f (medians of 5)%n",
            LoopbackWeb.median(firstByte),
            firstByte.stream().sorted().toList().get((int) (firstByte.size() * 0.9)),
            firstByte.size(),
            BULK / (1024 * 1024),
            p,
            d,
            p / d);
      }
    }
  }

  static ConsumerSession connect(ConsumerNode node, List<ProposalIndex.Listing> found)
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
}
