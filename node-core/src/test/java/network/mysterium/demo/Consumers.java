package network.mysterium.demo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;

/** What the payment tests of a local network share: a consumer node, a SOCKS5 connect, a wait. */
final class Consumers {
  private Consumers() {}

  /** A consumer node on its own database, listening on loopback. */
  static ConsumerNode start(LocalNetwork network, PrivateKey key, Database database)
      throws Exception {
    return ConsumerNode.start(
        key, database, network.client(), network.deployment(), Contact.parse("udp://127.0.0.1:0"));
  }

  /** A SOCKS5 session with the cheapest provider in {@code country} (any, when null). */
  static ConsumerSession connect(ConsumerNode node, String country, Myst step) throws Exception {
    return node.connect(
        node.search(
            ProposalIndex.Query.of(Optional.of("socks5"), Optional.ofNullable(country), 10)),
        step,
        SessionEvents.none(),
        new Connector.Attempts() {},
        Duration.ofSeconds(10),
        (type, contact) ->
            new network.mysterium.service.socks.Socks5Client(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
  }

  /** Waits (at most 30 s) for a condition instead of sleeping a fixed time. */
  static void await(Callable<Boolean> condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
