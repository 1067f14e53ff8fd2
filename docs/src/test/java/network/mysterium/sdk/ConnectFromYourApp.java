package network.mysterium.sdk;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.identity.KdfParams;
import network.mysterium.identity.Keystore;
import network.mysterium.money.Myst;
import network.mysterium.node.ConnectionOptions;
import network.mysterium.node.Node;
import network.mysterium.node.NodeConfig;
import network.mysterium.node.Subscription;
import network.mysterium.session.SessionEvents;

// sdk-example-start
/** A third-party program that buys VPN service from the network through an embedded Node. */
public final class ConnectFromYourApp {
  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]); // the program's own data directory
    URI rpc = URI.create(args[1]); // the chain's JSON-RPC endpoint
    Address identity = Address.parse(args[2]); // in the data directory's keystore
    Keystore keystore =
        new Keystore(
            new DataDirectory(dataDir), KdfParams.STANDARD, new SecureRandom(), Clock.systemUTC());
    char[] passphrase = System.console().readPassword("passphrase for %s: ", identity);
    PrivateKey key = keystore.unlock(identity, passphrase);
    Arrays.fill(passphrase, '\0');
    // the node owns the key from here on, and wipes it when it stops
    try (Node node = Node.start(NodeConfig.of(dataDir, rpc), key);
        Subscription metering = printMetering(node)) {
      InetSocketAddress proxy = connect(node, "DE");
      System.out.println("send your traffic to the SOCKS5 proxy at " + proxy);
      Thread.sleep(60_000);
      node.disconnect(); // the provider's last metering arrives, and it clears
    }
  }

  /** The cheapest provider in a country, paid in advance: the SOCKS5 proxy to use. */
  static InetSocketAddress connect(Node node, String country) throws Exception {
    return node.connect(country, ConnectionOptions.socks5(), SessionEvents.none()).socksAddress();
  }

  /** What the session costs as it goes; closing the subscription stops it. */
  static Subscription printMetering(Node node) {
    return node.subscribe(
        new SessionEvents() {
          @Override
          public void metering(Address provider, Metering m) {
            System.out.printf(
                "%d bytes down, %d up, %s MYST%n",
                m.bytesToConsumer(), m.bytesFromConsumer(), Myst.ofBaseUnits(m.cost()));
          }
        });
  }
}
// sdk-example-end
