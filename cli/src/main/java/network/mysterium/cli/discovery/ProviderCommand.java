package network.mysterium.cli.discovery;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.chain.ContractMessages;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.PassphraseOptions;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.ServiceRegistryContract;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.discovery.SignedProposals;
import network.mysterium.money.Myst;
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

  /** Signs a proposal and announces it through the service registry. */
  @Command(name = "announce", mixinStandardHelpOptions = true)
  static final class Announce implements Callable<Integer> {
    @ParentCommand private ProviderCommand provider;
    @Mixin private ChainOptions chainOptions;
    @Mixin private PassphraseOptions passphrase;

    @Option(names = "--address", paramLabel = "ADDRESS", descriptionKey = "address")
    private String address;

    @Option(names = "--type", required = true, paramLabel = "TYPE", descriptionKey = "service-type")
    private String type;

    @Option(names = "--country", required = true, paramLabel = "CC", descriptionKey = "country")
    private String country;

    @Option(names = "--origin-country", paramLabel = "CC", descriptionKey = "origin-country")
    private String originCountry;

    @Option(names = "--asn", defaultValue = "0", paramLabel = "N", descriptionKey = "asn")
    private long asn;

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

    @Option(names = "--serial", defaultValue = "1", paramLabel = "N", descriptionKey = "serial")
    private long serial;

    @Override
    public Integer call() throws Exception {
      MysteriumCommand root = provider.root;
      Deployment deployment = chainOptions.deployment(root);
      try (EthereumClient client = chainOptions.connect(deployment);
          PrivateKey key = root.unlock(Optional.ofNullable(address), passphrase)) {
        ServiceProposal proposal =
            new ServiceProposal(
                ServiceProposal.FORMAT_VERSION,
                key.address(),
                serial,
                type,
                new ServiceProposal.Place(country.toUpperCase(java.util.Locale.ROOT), asn),
                new ServiceProposal.Place(
                    (originCountry == null ? country : originCountry)
                        .toUpperCase(java.util.Locale.ROOT),
                    asn),
                bandwidthKbps,
                metering,
                Myst.parse(price),
                contacts);
        byte[] signed =
            new SignedProposals(
                    ContractMessages.Domain.serviceRegistry(
                        deployment.chainId(), Address.parse(deployment.serviceRegistry())))
                .sign(proposal, key);
        var receipt =
            new ServiceRegistryContract(client, deployment.serviceRegistry())
                .announce(ChainAccounts.credentials(key), serial, signed);
        root.say(
            "provider.announced",
            type,
            proposal.providedFrom().country(),
            price,
            Long.toString(serial),
            receipt.getTransactionHash());
      }
      return 0;
    }
  }
}
