package network.mysterium.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import network.mysterium.crypto.Address;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.node.ConnectionOptions;
import network.mysterium.node.ConnectionStatus;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeHost;
import network.mysterium.node.NodeSettings;
import network.mysterium.node.ProposalFilter;
import network.mysterium.node.ServiceTypes;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SpendLimit;

/** The consumer's side: identity, search, the connection and its sessions. */
final class ConsumerRoutes {
  private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
  static final Set<String> PROPOSAL_PARAMS =
      Set.of(
          "type",
          "country",
          "origin",
          "asn",
          "metering",
          "maxPrice",
          "minBandwidthKbps",
          "preferredFirst",
          "preferredOnly",
          "limit");
  private static final Set<String> CONNECT_FIELDS =
      Set.of(
          "country",
          "provider",
          "type",
          "paymentStep",
          "maxSpend",
          "maxSpendPerProvider",
          "killSwitch",
          "failOver");
  static final int DEFAULT_LIMIT = 100;

  private final NodeHost host;
  private final ObjectMapper mapper;

  ConsumerRoutes(NodeHost host, ObjectMapper mapper) {
    this.host = host;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.get("/identity", this::identity);
    routes.get("/proposals", this::proposals);
    routes.get("/countries", this::countries);
    routes.get("/connection", ctx -> ctx.json(connection(node())));
    routes.post("/connection", this::connect);
    routes.delete("/connection", this::disconnect);
    routes.get("/sessions/current", this::current);
    routes.get("/sessions/history", this::history);
  }

  private void identity(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    ctx.json(
        new Views.Identity(node().address().toString(), node().wallet().balances().registered()));
  }

  private void proposals(Context ctx) throws NodeException {
    ProposalFilter filter = filter(Query.of(ctx, PROPOSAL_PARAMS));
    ctx.json(proposals(node().proposals(filter)));
  }

  static Views.Proposals proposals(List<ProposalIndex.Listing> listings) {
    return new Views.Proposals(listings.stream().map(Views.Proposal::of).toList());
  }

  /** A search from {@link #PROPOSAL_PARAMS} (for {@code GET /proposals} and the event stream). */
  static ProposalFilter filter(Query q) throws NodeException {
    return new ProposalFilter(
        type(q),
        country(q, "country"),
        country(q, "origin"),
        q.whole("asn", 0, 0xffffffffL),
        q.text("metering").map(ConsumerRoutes::metering),
        q.text("maxPrice").map(t -> Body.amount("maxPrice", t)),
        q.whole("minBandwidthKbps", 0, Long.MAX_VALUE),
        q.flag("preferredFirst"),
        q.flag("preferredOnly"),
        (int) (long) q.whole("limit", 1, ProposalFilter.MAX_LIMIT).orElse((long) DEFAULT_LIMIT));
  }

  private void countries(Context ctx) throws NodeException {
    Query q = Query.of(ctx, Set.of("type"));
    ctx.json(
        new Views.Countries(
            node().countries(type(q).orElse(ServiceTypes.SOCKS5)).stream()
                .map(Views.Country::of)
                .toList()));
  }

  private static Optional<String> type(Query q) throws NodeException {
    Optional<String> type = q.text("type");
    if (type.isPresent()) {
      ServiceTypes.standard().check(type.get()); // the registry every node serves
    }
    return type;
  }

  private static Optional<String> country(Query q, String name) {
    Optional<String> country = q.text(name);
    if (country.isPresent() && !COUNTRY.matcher(country.get()).matches()) {
      throw ApiException.badRequest(name + " must be a two-letter country code");
    }
    return country;
  }

  private static ServiceProposal.Metering metering(String text) {
    for (ServiceProposal.Metering m : ServiceProposal.Metering.values()) {
      if (m.name().equals(text)) {
        return m;
      }
    }
    throw ApiException.badRequest("metering must be PER_MEGABYTE or PER_SECOND");
  }

  static Views.Connection connection(Node node) {
    return connection(node.status(), node);
  }

  static Views.Connection connection(ConnectionStatus status, Node node) {
    String socks =
        node.connection()
            .filter(s -> s.client().serviceType().equals(ServiceTypes.SOCKS5))
            .map(ConsumerSession::socksAddress)
            .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
            .orElse(null);
    return Views.Connection.of(status, socks);
  }

  private void connect(Context ctx) throws Exception {
    Body body = Body.parse(mapper, ctx.body(), CONNECT_FIELDS);
    Optional<String> country = body.text("country");
    Optional<Address> provider = body.address("provider");
    if (country.isPresent() && provider.isPresent()) {
      throw ApiException.badRequest("give a country or a provider, not both");
    }
    if (country.isPresent() && !COUNTRY.matcher(country.get()).matches()) {
      throw ApiException.badRequest("country must be a two-letter country code");
    }
    String type = body.text("type").orElse(ServiceTypes.SOCKS5);
    node().services().check(type);
    ConnectionOptions how =
        type.equals(ServiceTypes.WIREGUARD)
            ? ConnectionOptions.tunnel()
            : ConnectionOptions.socks5().withServiceType(type);
    // what the body leaves out comes from the node's stored settings (PUT /settings)
    NodeSettings.Settings defaults = node().settings().current();
    Myst perSession = body.myst("maxSpend").orElse(defaults.maxSpend());
    Myst perProvider = body.myst("maxSpendPerProvider").orElse(defaults.maxSpendPerProvider());
    how = how.withSpendLimit(new SpendLimit(perSession, perProvider));
    how = how.withPaymentStep(body.myst("paymentStep").orElse(defaults.paymentStep()));
    Optional<Boolean> killSwitch = body.bool("killSwitch");
    if (killSwitch.isPresent()) {
      how = how.withKillSwitch(killSwitch.get());
    }
    Optional<Boolean> failOver = body.bool("failOver");
    if (failOver.isPresent()) {
      how = how.withFailOver(failOver.get());
    }
    if (how.isTunnel()) {
      node().services().checkTunnel(how); // before anything is paid
    }
    if (provider.isPresent()) {
      node().connectTo(listingOf(provider.get(), type), how, SessionEvents.none());
    } else {
      node()
          .connect(
              country.map(c -> c.toUpperCase(java.util.Locale.ROOT)).orElse(null),
              how,
              SessionEvents.none());
    }
    ctx.json(connection(node()));
  }

  private ProposalIndex.Listing listingOf(Address provider, String type) throws NodeException {
    List<ProposalIndex.Listing> all = node().proposals(ProposalFilter.of(type, null));
    return all.stream()
        .filter(l -> l.proposal().provider().equals(provider))
        .findFirst()
        .orElseThrow(
            () ->
                new NodeException(
                    NodeException.Code.NO_PROVIDER,
                    "no " + type + " proposal of " + provider,
                    provider.toString()));
  }

  private void disconnect(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    node().disconnect();
    ctx.json(connection(node()));
  }

  private void current(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    ConsumerSession session =
        node()
            .connection()
            .orElseThrow(
                () -> new NodeException(NodeException.Code.NOT_CONNECTED, "not connected"));
    SessionEvents.Metering last = session.lastMetering();
    Instant since = node().status().since().orElse(Instant.now());
    ctx.json(
        new Views.CurrentSession(
            session.provider().toString(),
            session.sessionId(),
            session.client().serviceType(),
            last == null ? 0 : last.bytesToConsumer(),
            last == null ? 0 : last.bytesFromConsumer(),
            Duration.between(since, Instant.now()).toSeconds(),
            last == null ? "0" : Views.ofBaseUnits(last.cost()),
            Views.myst(session.spent())));
  }

  private void history(Context ctx) throws NodeException {
    Query q = Query.of(ctx, Set.of("limit"));
    int limit = (int) (long) q.whole("limit", 1, 1000).orElse((long) DEFAULT_LIMIT);
    ctx.json(
        new Views.History(node().history(limit).stream().map(Views.HistoryEntry::of).toList()));
  }

  /** The node running now; {@code LOCKED} while the host has none. */
  private Node node() throws NodeException {
    return host.current();
  }
}
