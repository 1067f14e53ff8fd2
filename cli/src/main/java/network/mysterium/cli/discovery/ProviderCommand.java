package network.mysterium.cli.discovery;

import java.util.List;
import java.util.concurrent.Callable;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.node.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mysterium provider ...}: offering services. */
@Command(
    name = "provider",
    mixinStandardHelpOptions = true,
    subcommands = ProviderCommand.Announce.class)
public final class ProviderCommand {
  @ParentCommand private MysteriumCommand root;

  public MysteriumCommand root() {
    return root;
  }

  /**
   * How often a running provider checks whether its proposal is half-way to the deployment's expiry
   * (and so due to be announced again).
   */
  public static final java.time.Duration REANNOUNCE_CHECK = NodeConfig.REANNOUNCE_CHECK;

  /** Signs a proposal and announces it through the service registry. */
  @Command(name = "announce", mixinStandardHelpOptions = true)
  static final class Announce implements Callable<Integer> {
    @ParentCommand private ProviderCommand provider;
    @Mixin private ChainOptions chainOptions;
    @Mixin private UnlockOptions unlocking;

    @Option(names = "--type", required = true, paramLabel = "TYPE", descriptionKey = "service-type")
    private String type;

    @Option(names = "--country", paramLabel = "CC", descriptionKey = "provider-country")
    private String country;

    @Option(names = "--origin-country", paramLabel = "CC", descriptionKey = "origin-country")
    private String originCountry;

    @Option(names = "--asn", paramLabel = "N", descriptionKey = "provider-asn")
    private Long asn;

    @Mixin private LocationOptions location;

    @Option(
        names = "--bandwidth-kbps",
        defaultValue = "100000",
        paramLabel = "N",
        descriptionKey = "bandwidth")
    private long bandwidthKbps;

    @Option(
        names = "--metering",
        defaultValue = "PER_MEGABYTE",
        paramLabel = "HOW",
        descriptionKey = "metering")
    private ServiceProposal.Metering metering;

    @Option(names = "--price", required = true, paramLabel = "MYST", descriptionKey = "price")
    private String price;

    @Option(
        names = "--contact",
        required = true,
        paramLabel = "CONTACT",
        descriptionKey = "contact")
    private List<String> contacts;

    @Override
    public Integer call() throws Exception {
      MysteriumCommand root = provider.root;
      NodeConfig config =
          chainOptions.nodeConfig(root).withListen(Contact.parse("udp://127.0.0.1:0"));
      try (Node node = Node.start(config, unlocking.unlock(root))) {
        ServiceProposal.Place place = location.detect(root, country, asn);
        ServiceProposal wanted =
            new ServiceProposal(
                ServiceProposal.FORMAT_VERSION,
                node.address(),
                1, // the announcer assigns the serial by the rules
                type,
                place,
                new ServiceProposal.Place(
                    originCountry == null
                        ? place.country()
                        : originCountry.toUpperCase(java.util.Locale.ROOT),
                    place.asn()),
                bandwidthKbps,
                metering,
                Myst.parse(price),
                contacts);
        ServiceProposal announced = node.sharing().announce(wanted);
        root.say(
            "provider.announced",
            type,
            announced.providedFrom().country(),
            price,
            Long.toString(announced.serial()));
      }
      return 0;
    }
  }
}
