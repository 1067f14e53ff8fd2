package network.mysterium.cli.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Stopping;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.cli.UserError;
import network.mysterium.cli.discovery.LocationOptions;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.KeptAnnouncement;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.node.ServiceTypes;
import network.mysterium.relay.RelayServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mysterium relay}: a node with a public address relays for nodes behind NATs (whitepaper
 * 6.6): each registered identity may hold a few allocations, ports on the public address whose
 * datagrams go to it, until SIGTERM. With {@code --price} it is also a market service: it announces
 * a proposal of type {@code relay} whose contact is its control address, and keeps it announced, so
 * providers behind NATs find it ({@code provider run --relay market}). Without a price it announces
 * nothing: a relay run for one's own nodes, named by hand, need not be registered or found.
 */
@Command(name = "relay", mixinStandardHelpOptions = true)
public final class RelayCommand implements Callable<Integer> {
  @ParentCommand private MysteriumCommand root;
  @Mixin private ChainOptions chainOptions;
  @Mixin private UnlockOptions unlocking;
  @Mixin private LocationOptions location;

  @Option(names = "--public", required = true, paramLabel = "IP", descriptionKey = "relay-public")
  private String publicAddress;

  @Option(
      names = "--port",
      defaultValue = "7000",
      paramLabel = "PORT",
      descriptionKey = "relay-port")
  private int port;

  @Option(names = "--price", paramLabel = "MYST", descriptionKey = "relay-price")
  private String price;

  @Option(
      names = "--metering",
      defaultValue = "PER_MEGABYTE",
      paramLabel = "UNIT",
      descriptionKey = "metering")
  private ServiceProposal.Metering metering;

  @Option(
      names = "--bandwidth-kbps",
      defaultValue = "100000",
      paramLabel = "KBPS",
      descriptionKey = "bandwidth-kbps-served")
  private long bandwidthKbps;

  @Option(names = "--country", paramLabel = "CC", descriptionKey = "provider-country")
  private String country;

  @Option(names = "--asn", paramLabel = "N", descriptionKey = "provider-asn")
  private Long asn;

  @Option(
      names = "--run-for",
      paramLabel = "SECONDS",
      defaultValue = "0",
      descriptionKey = "run-for")
  private long runForSeconds;

  @Override
  public Integer call() throws Exception {
    InetAddress at;
    try {
      at = InetAddress.ofLiteral(publicAddress);
    } catch (IllegalArgumentException e) {
      throw new UserError("error.relay-address", publicAddress);
    }
    Myst pricePerUnit = price == null ? null : Myst.parse(price);
    if (pricePerUnit != null && (at.isAnyLocalAddress() || at.isMulticastAddress())) {
      // announced, it would be skipped by every provider: no node can register there
      throw new UserError("error.relay-address", publicAddress + ":" + port);
    }
    ServiceProposal.Place place = pricePerUnit == null ? null : location.detect(root, country, asn);
    try (Stopping stopping = Stopping.onSignal();
        Node node = Node.start(chainOptions.nodeConfig(root), unlocking.unlock(root));
        RelayServer relay =
            RelayServer.start(
                new InetSocketAddress(at, port),
                new InetSocketAddress(at, port),
                node.relayAdmission(),
                RelayServer.Limits.DEFAULT);
        // closed before the node: its checks sign with the node's key
        KeptAnnouncement announced =
            pricePerUnit == null ? null : announce(node, relay, place, pricePerUnit)) {
      root.say(
          "relay.running",
          node.address(),
          relay.address().getHostString() + ":" + relay.address().getPort());
      if (announced != null) {
        root.say(
            "relay.announced",
            announced.proposal().contacts().getFirst(),
            announced.proposal().pricePerUnit(),
            root.environment().messages().get("unit." + announced.proposal().metering()),
            Long.toString(announced.proposal().serial()));
      }
      root.environment().out().flush();
      stopping.await(Duration.ofSeconds(runForSeconds));
      root.say("relay.stopped", Integer.toString(relay.allocations()));
      root.environment().out().flush();
    }
    return 0;
  }

  /** The relay's offer: its control address (where nodes register), at its price. */
  private KeptAnnouncement announce(
      Node node, RelayServer relay, ServiceProposal.Place place, Myst pricePerUnit)
      throws NodeException {
    ServiceProposal wanted;
    try {
      wanted =
          new ServiceProposal(
              ServiceProposal.FORMAT_VERSION,
              node.address(),
              1, // the announcer assigns the serial by the rules
              ServiceTypes.RELAY,
              place,
              place,
              bandwidthKbps,
              metering,
              pricePerUnit,
              java.util.List.of(new Contact("udp", relay.address()).toString()));
    } catch (IllegalArgumentException e) {
      throw new UserError("error.invalid-input", e.getMessage());
    }
    try {
      return node.sharing().keepAnnounced(wanted);
    } catch (NodeException e) {
      if (e.code() == NodeException.Code.NOT_REGISTERED) {
        throw new UserError("error.relay-unregistered", node.address());
      }
      throw e;
    }
  }
}
