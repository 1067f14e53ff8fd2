package network.mysterium.cli.discovery;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.RegistryDirectory;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Peer;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.cli.UserError;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.conversation.Conversation;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ComparablePrice;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.RemoteIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.discovery.SignedProposals;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mysterium search}: the proposals this node indexed from the chain, cheapest first. */
@Command(name = "search", mixinStandardHelpOptions = true)
public final class SearchCommand implements Callable<Integer> {
  @ParentCommand private MysteriumCommand root;
  @Mixin private ChainOptions chainOptions;

  @Option(names = "--type", paramLabel = "TYPE", descriptionKey = "service-type")
  private String type;

  @Option(names = "--country", paramLabel = "CC", descriptionKey = "country")
  private String country;

  @Option(names = "--origin-country", paramLabel = "CC", descriptionKey = "origin-country")
  private String originCountry;

  @Option(names = "--asn", paramLabel = "N", descriptionKey = "asn")
  private Long asn;

  @Option(names = "--metering", paramLabel = "HOW", descriptionKey = "metering")
  private ServiceProposal.Metering metering;

  @Option(names = "--max-price", paramLabel = "MYST", descriptionKey = "max-price")
  private String maxPrice;

  @Option(names = "--min-bandwidth-kbps", paramLabel = "N", descriptionKey = "min-bandwidth")
  private Long minBandwidth;

  @Option(names = "--preferred-first", descriptionKey = "preferred-first")
  private boolean preferredFirst;

  @Option(names = "--remote", paramLabel = "ADDRESS@CONTACT", descriptionKey = "remote-index")
  private String remote;

  @Mixin private UnlockOptions unlocking;

  @Override
  public Integer call() throws Exception {
    Deployment deployment = chainOptions.deployment(root);
    DataDirectory dataDirectory = root.dataDirectory();
    DataDirectory.createPrivateDirectories(dataDirectory.root());
    try (EthereumClient client = chainOptions.connect(deployment);
        Database database = Database.open(dataDirectory.root().resolve("node.db"));
        ChainFollower follower = ChainOptions.follower(client, database, deployment)) {
      follower.pollOnce();
      ChainIndex chain = new ChainIndex(database);
      ProposalIndex.Query query =
          new ProposalIndex.Query(
              Optional.ofNullable(type),
              Optional.ofNullable(country).map(c -> c.toUpperCase(Locale.ROOT)),
              Optional.ofNullable(originCountry).map(c -> c.toUpperCase(Locale.ROOT)),
              Optional.ofNullable(asn),
              Optional.ofNullable(metering),
              Optional.ofNullable(maxPrice).map(p -> Myst.parse(p).baseUnits()),
              Optional.ofNullable(minBandwidth),
              preferredFirst,
              100);
      List<ProposalIndex.Listing> found;
      if (remote != null) {
        found = searchRemote(Peer.parse(remote, "--remote"), query, chain, deployment);
      } else {
        ProposalIndex index =
            ProposalIndex.of(
                database, chain, deployment, network.mysterium.discovery.BlockTimes.of(client));
        index.sync();
        found = index.search(query, client.blockNumber());
      }
      if (found.isEmpty()) {
        root.say("search.none");
        return 0;
      }
      root.environment()
          .out()
          .printf(
              "%-42s  %-9s  %-4s  %-6s  %9s  %-22s  %-12s  %s%n",
              "PROVIDER", "TYPE", "FROM", "ORIGIN", "MBIT/S", "PRICE", "MYST/HOUR*", "CONTACT");
      for (ProposalIndex.Listing listing : found) {
        ServiceProposal p = listing.proposal();
        root.environment()
            .out()
            .printf(
                "%-42s  %-9s  %-4s  %-6s  %9s  %-22s  %-12s  %s%n",
                p.provider() + (listing.preferred() ? "*" : ""),
                p.serviceType(),
                p.providedFrom().country(),
                p.origin().country(),
                p.bandwidthKbps() / 1000,
                readablePrice(p),
                myst(ComparablePrice.perHour(p)),
                p.contacts().getFirst());
      }
      // per-MB and per-second prices are only comparable at a stated usage: say which
      root.say("search.compared", Long.toString(ComparablePrice.REFERENCE_MB_PER_HOUR));
    }
    return 0;
  }

  /**
   * Asks a trusted node's index over a dialogue; the providers' signatures are checked here. The
   * node's key comes from the chain's registrations, so this node follows those, not proposals.
   */
  private List<ProposalIndex.Listing> searchRemote(
      Peer peer, ProposalIndex.Query query, ChainIndex chain, Deployment deployment)
      throws Exception {
    if (chain.registration(peer.address()).isEmpty()) {
      throw new UserError("error.peer-unregistered", peer.address());
    }
    try (PrivateKey key = unlocking.unlock(root)) {
      Messenger messenger = RegistryDirectory.messenger(key, chain);
      try (Dialogues dialogues =
          new Dialogues(
                  messenger,
                  Channels.listen(
                      Contact.parse(peer.contact().type() + "://" + wildcard(peer) + ":0")),
                  DialogueConfig.DEFAULT,
                  p -> new Conversation(Conversation.Services.none()))
              .start()) {
        Conversation conversation = new Conversation(Conversation.Services.none());
        conversation.on(
            dialogues.open(peer.address(), peer.contact(), conversation).get(15, TimeUnit.SECONDS));
        RemoteIndex.Answer answer =
            new RemoteIndex(conversation, SignedProposals.of(deployment), Duration.ofSeconds(15))
                .search(query);
        root.say(
            "search.remote",
            peer.address(),
            Integer.toString(answer.listings().size()),
            Integer.toString(answer.dropped()));
        return answer.listings();
      } catch (Conversation.RefusedException e) {
        throw new UserError("error.remote-index", peer.address(), e.getMessage());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new UserError("error.remote-index", peer.address(), "no answer");
      }
    }
  }

  /** Listen where the peer can answer: loopback for a loopback peer, any address otherwise. */
  private static String wildcard(Peer peer) {
    java.net.InetAddress target = peer.contact().address().getAddress();
    if (target.isLoopbackAddress()) {
      return target instanceof java.net.Inet6Address ? "[::1]" : "127.0.0.1";
    }
    return target instanceof java.net.Inet6Address ? "[::]" : "0.0.0.0";
  }

  private static String myst(BigInteger baseUnits) {
    return new BigDecimal(baseUnits)
        .movePointLeft(Myst.DECIMALS)
        .stripTrailingZeros()
        .toPlainString();
  }

  /** Price per GB or per hour, the units people think in. */
  static String readablePrice(ServiceProposal p) {
    BigInteger perUnit = p.pricePerUnit().baseUnits();
    boolean perMegabyte = p.metering() == ServiceProposal.Metering.PER_MEGABYTE;
    BigInteger scaled = perUnit.multiply(BigInteger.valueOf(perMegabyte ? 1024 : 3600));
    String myst =
        new BigDecimal(scaled).movePointLeft(Myst.DECIMALS).stripTrailingZeros().toPlainString();
    return myst + (perMegabyte ? " MYST/GB" : " MYST/h");
  }
}
