package network.mysterium.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.Set;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeHost;
import network.mysterium.node.NodeSharing;
import network.mysterium.node.ServiceTypes;

/**
 * "Share my bandwidth": the offer as {@link NodeSharing.Offer} (the app's limits for the rest; on
 * loopback unless an {@code advertisedHost} is given).
 */
final class SharingRoutes {
  private static final Set<String> OFFER_FIELDS =
      Set.of(
          "type",
          "country",
          "asn",
          "originCountry",
          "originAsn",
          "metering",
          "price",
          "bandwidthKbps",
          "advertisedHost");

  private final NodeHost host;
  private final ObjectMapper mapper;

  SharingRoutes(NodeHost host, ObjectMapper mapper) {
    this.host = host;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.get("/sharing", ctx -> sharing(ctx));
    routes.post("/sharing", this::start);
    routes.delete("/sharing", this::stop);
  }

  private void sharing(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    ctx.json(view());
  }

  private Views.Sharing view() throws NodeException {
    NodeSharing sharing = node().sharing();
    return new Views.Sharing(
        sharing.sharing(),
        sharing.proposal().map(p -> Views.Proposal.of(p, false, 0)).orElse(null),
        Views.Earnings.of(sharing.earnings()),
        sharing.sessions().stream().map(Views.ProvidedSession::of).toList(),
        sharing.exposures().stream().map(Views.Exposure::of).toList(),
        Views.Reachability.of(node().reachability()));
  }

  private void start(Context ctx) throws Exception {
    Body body = Body.parse(mapper, ctx.body(), OFFER_FIELDS);
    String type = body.text("type").orElse(ServiceTypes.SOCKS5);
    node().services().check(type);
    ServiceProposal.Place place =
        new ServiceProposal.Place(
            body.requiredText("country"), body.whole("asn", 0, 0xffffffffL).orElse(0L));
    Optional<String> originCountry = body.text("originCountry");
    Optional<ServiceProposal.Place> origin =
        originCountry.map(
            c -> new ServiceProposal.Place(c, body.whole("originAsn", 0, 0xffffffffL).orElse(0L)));
    ServiceProposal.Metering metering =
        body.text("metering")
            .map(ServiceProposal.Metering::valueOf)
            .orElse(ServiceProposal.Metering.PER_MEGABYTE);
    Myst price = body.myst("price").orElseThrow(() -> ApiException.badRequest("price is required"));
    long bandwidth =
        body.whole("bandwidthKbps", 1, 100_000_000)
            .orElse(NodeSharing.Offer.DEFAULT_BANDWIDTH_KBPS);
    node()
        .sharing()
        .start(
            new NodeSharing.Offer(
                type, place, origin, metering, price, bandwidth, body.text("advertisedHost")));
    ctx.json(view());
  }

  private void stop(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    node().sharing().stop();
    ctx.json(view());
  }

  /** The node running now; {@code LOCKED} while the host has none. */
  private Node node() throws NodeException {
    return host.current();
  }
}
