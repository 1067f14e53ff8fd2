package network.mysterium.demo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;

/**
 * A peer for {@link VanishingPeersTest} in a process of its own, so that the test can SIGKILL it:
 * it then says no goodbye, and its sockets simply close. Its key comes on standard input (hex, one
 * line). It prints what it did, a line each, then stays until killed (or its standard input
 * closes).
 *
 * <ul>
 *   <li>{@code provider RPC DEPLOYMENT DB COUNTRY ASN PRICE}: starts a SOCKS5 provider (which
 *       announces itself), prints {@code ready}.
 *   <li>{@code consumer RPC DEPLOYMENT DB WEB_PORT}: searches SOCKS5 in DE, connects paying steps
 *       of 0.05 MYST, prints {@code failed PROVIDER} for each candidate that failed, fetches the
 *       page of the web server on loopback through the session and prints {@code fetched BYTES}.
 * </ul>
 */
public final class VanishingPeer {
  private VanishingPeer() {}

  public static void main(String[] args) throws Exception {
    // standard output carries only these lines: the log goes to standard error
    java.io.PrintStream out = System.out;
    System.setOut(System.err);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    EthereumClient client = EthereumClient.connect(URI.create(args[1]));
    Deployment deployment = Deployment.read(Path.of(args[2]));
    PrivateKey key = PrivateKey.of(Hex.decode(in.readLine().strip()));
    Database database = Database.open(Path.of(args[3]));
    if (args[0].equals("provider")) {
      ProviderNode.start(
          LocalNetwork.providerConfig(
              new LocalNetwork.ProviderSpec(args[4], Long.parseLong(args[5]), args[6]),
              ClearingPolicy.defaults(),
              ProviderNode.Offering.defaults(),
              Contact.parse("udp://127.0.0.1:0")),
          key,
          database,
          client,
          deployment,
          Duration.ofSeconds(1),
          SessionEvents.none());
      out.println("ready");
    } else {
      ConsumerNode node =
          ConsumerNode.start(key, database, client, deployment, Contact.parse("udp://127.0.0.1:0"));
      List<ProposalIndex.Listing> found =
          node.search(ProposalIndex.Query.of(Optional.of("socks5"), Optional.of("DE"), 10));
      ConsumerSession session =
          node.connect(
              found,
              Myst.parse("0.05"),
              SessionEvents.none(),
              new Connector.Attempts() {
                @Override
                public void failed(ServiceProposal candidate, String reason) {
                  out.println("failed " + candidate.provider());
                }
              },
              Duration.ofSeconds(12),
              (type, contact) ->
                  new network.mysterium.service.socks.Socks5Client(
                      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
      out.println(
          "fetched "
              + Demo.fetchThroughSocks(
                  session.socksAddress(), "localhost", Integer.parseInt(args[4])));
    }
    out.flush();
    while (in.read() >= 0) {
      // until the test kills this process; should the test die first, its end of stdin closes
    }
    Runtime.getRuntime().halt(3);
  }
}
