package network.mysterium.cli.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Peer;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.cli.UserError;
import network.mysterium.cli.daemon.DaemonClient;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ComparablePrice;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.RemoteIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.NodeException;
import network.mysterium.node.ProposalSearch;
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

  private static final int LIMIT = 100;

  /** One line of the table, from this node's index or from a daemon's API. */
  private record Row(
      String provider,
      String type,
      String from,
      String origin,
      long bandwidthKbps,
      ServiceProposal.Metering metering,
      BigInteger pricePerUnit,
      String contact) {
    static Row of(ProposalIndex.Listing listing) {
      ServiceProposal p = listing.proposal();
      return new Row(
          p.provider() + (listing.preferred() ? "*" : ""),
          p.serviceType(),
          p.providedFrom().country(),
          p.origin().country(),
          p.bandwidthKbps(),
          p.metering(),
          p.pricePerUnit().baseUnits(),
          p.contacts().getFirst().toString());
    }

    /** The API's proposal (docs/openapi.json) has no contact: "-". */
    static Row of(JsonNode p) {
      return new Row(
          p.path("provider").asText() + (p.path("preferred").asBoolean() ? "*" : ""),
          p.path("serviceType").asText(),
          p.path("country").asText(),
          p.path("originCountry").asText(),
          p.path("bandwidthKbps").asLong(),
          ServiceProposal.Metering.valueOf(p.path("metering").asText()),
          Myst.parse(p.path("pricePerUnit").asText()).baseUnits(),
          "-");
    }
  }

  @Override
  public Integer call() throws Exception {
    if (remote == null) {
      Optional<DaemonClient> daemon = DaemonClient.ifRunning(root.dataDirectory().root());
      if (daemon.isPresent()) {
        try (DaemonClient client = daemon.get()) {
          return print(throughDaemon(client));
        }
      }
    }
    try (ProposalSearch index = ProposalSearch.open(chainOptions.nodeConfig(root))) {
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
              LIMIT);
      List<ProposalIndex.Listing> found;
      if (remote != null) {
        found = searchRemote(index, Peer.parse(remote, "--remote"), query);
      } else {
        found = index.search(query);
      }
      return print(found.stream().map(Row::of).toList());
    }
  }

  /** GET /proposals with the same filters; the daemon's index answers. */
  private List<Row> throughDaemon(DaemonClient daemon) throws Exception {
    Map<String, Optional<String>> query = new LinkedHashMap<>();
    query.put("type", Optional.ofNullable(type));
    query.put("country", Optional.ofNullable(country).map(c -> c.toUpperCase(Locale.ROOT)));
    query.put("origin", Optional.ofNullable(originCountry).map(c -> c.toUpperCase(Locale.ROOT)));
    query.put("asn", Optional.ofNullable(asn).map(String::valueOf));
    query.put("metering", Optional.ofNullable(metering).map(Enum::name));
    query.put("maxPrice", Optional.ofNullable(maxPrice));
    query.put("minBandwidthKbps", Optional.ofNullable(minBandwidth).map(String::valueOf));
    query.put("preferredFirst", preferredFirst ? Optional.of("true") : Optional.empty());
    query.put("limit", Optional.of(Integer.toString(LIMIT)));
    List<Row> rows = new ArrayList<>();
    for (JsonNode p : daemon.get("/proposals", query).path("proposals")) {
      rows.add(Row.of(p));
    }
    return rows;
  }

  private int print(List<Row> found) {
    if (found.isEmpty()) {
      root.say("search.none");
      return 0;
    }
    String format = "%-42s  %-9s  %-4s  %-6s  %9s  %-22s  %-12s  %s%n";
    root.environment()
        .out()
        .printf(
            format,
            "PROVIDER",
            "TYPE",
            "FROM",
            "ORIGIN",
            "MBIT/S",
            "PRICE",
            "MYST/HOUR*",
            "CONTACT");
    for (Row r : found) {
      root.environment()
          .out()
          .printf(
              format,
              r.provider(),
              r.type(),
              r.from(),
              r.origin(),
              r.bandwidthKbps() / 1000,
              readablePrice(r.metering(), r.pricePerUnit()),
              myst(ComparablePrice.perHour(r.metering(), r.pricePerUnit())),
              r.contact());
    }
    // per-MB and per-second prices are only comparable at a stated usage: say which
    root.say("search.compared", Long.toString(ComparablePrice.REFERENCE_MB_PER_HOUR));
    return 0;
  }

  /**
   * Asks a trusted node's index over a dialogue; the providers' signatures are checked here. The
   * node's key comes from the chain's registrations, so this node follows those, not proposals.
   */
  private List<ProposalIndex.Listing> searchRemote(
      ProposalSearch index, Peer peer, ProposalIndex.Query query) throws Exception {
    try (PrivateKey key = unlocking.unlock(root)) {
      RemoteIndex.Answer answer =
          index.searchRemote(
              key,
              peer.address(),
              peer.contact(),
              Contact.parse(peer.contact().type() + "://" + wildcard(peer) + ":0"),
              query);
      root.say(
          "search.remote",
          peer.address(),
          Integer.toString(answer.listings().size()),
          Integer.toString(answer.dropped()));
      return answer.listings();
    } catch (NodeException e) {
      throw switch (e.code()) {
        case PEER_UNREGISTERED -> new UserError("error.peer-unregistered", peer.address());
        case PEER_REFUSED -> new UserError("error.remote-index", peer.address(), e.getMessage());
        default -> e;
      };
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
    return readablePrice(p.metering(), p.pricePerUnit().baseUnits());
  }

  private static String readablePrice(ServiceProposal.Metering metering, BigInteger perUnit) {
    boolean perMegabyte = metering == ServiceProposal.Metering.PER_MEGABYTE;
    BigInteger scaled = perUnit.multiply(BigInteger.valueOf(perMegabyte ? 1024 : 3600));
    String myst =
        new BigDecimal(scaled).movePointLeft(Myst.DECIMALS).stripTrailingZeros().toPlainString();
    return myst + (perMegabyte ? " MYST/GB" : " MYST/h");
  }
}
