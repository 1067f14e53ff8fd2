package network.mysterium.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeSharing;
import network.mysterium.node.ServiceTypes;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.service.tunnel.WireGuardBackend;

/**
 * "Share my bandwidth" with the limits the app uses (promises from 0.01 MYST, at most the exposure
 * cap uncleared per consumer): on loopback unless an {@code advertisedHost} is given, in which case
 * it listens on every interface and refuses to carry consumers into private networks.
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

  private final Node node;
  private final ObjectMapper mapper;

  SharingRoutes(Node node, ObjectMapper mapper) {
    this.node = node;
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
    NodeSharing sharing = node.sharing();
    return new Views.Sharing(
        sharing.sharing(),
        sharing.proposal().map(p -> Views.Proposal.of(p, false, 0)).orElse(null),
        Views.Earnings.of(sharing.earnings()),
        sharing.sessions().stream().map(Views.ProvidedSession::of).toList());
  }

  private void start(Context ctx) throws Exception {
    Body body = Body.parse(mapper, ctx.body(), OFFER_FIELDS);
    String type = body.text("type").orElse(ServiceTypes.SOCKS5);
    node.services().check(type);
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
            .orElse(ProviderNode.Offering.DEFAULT_BANDWIDTH_KBPS);
    Optional<String> advertised = body.text("advertisedHost");
    boolean loopback = advertised.isEmpty();
    InetAddress bind = loopback ? InetAddress.getLoopbackAddress() : anyAddress();
    ProviderNode.Offering defaults = ProviderNode.Offering.defaults();
    ProviderNode.Config offer =
        new ProviderNode.Config(
            type,
            WireGuardBackend.Settings.defaults(0, loopback),
            Contact.parse("udp://" + bind.getHostAddress() + ":0"),
            new InetSocketAddress(bind, 0),
            advertised.orElse("127.0.0.1"),
            place,
            price,
            Myst.parse("0.01"),
            node.sharing().exposureCap(),
            Myst.ZERO,
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            loopback, // a loopback provider serves this machine's own pages
            ClearingPolicy.defaults(),
            new ProviderNode.Offering(
                origin,
                metering,
                bandwidth,
                defaults.sessionsPerConsumer(),
                defaults.confirmationDeadline()));
    node.sharing().start(offer);
    ctx.json(view());
  }

  private void stop(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    node.sharing().stop();
    ctx.json(view());
  }

  private static InetAddress anyAddress() {
    try {
      return InetAddress.getByName("0.0.0.0");
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
