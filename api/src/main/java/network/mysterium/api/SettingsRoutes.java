package network.mysterium.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeHost;

/** The consumer's connection defaults, which {@code POST /connection} uses for what it omits. */
final class SettingsRoutes {
  private final NodeHost host;
  private final ObjectMapper mapper;

  SettingsRoutes(NodeHost host, ObjectMapper mapper) {
    this.host = host;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.get("/settings", this::current);
    routes.put("/settings", this::update);
  }

  private void current(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    ctx.json(Views.Settings.of(node().settings().current()));
  }

  /** The fields given change, the others stay; the answer is the settings now. */
  private void update(Context ctx) throws NodeException {
    Body body =
        Body.parse(mapper, ctx.body(), Set.of("paymentStep", "maxSpend", "maxSpendPerProvider"));
    ctx.json(
        Views.Settings.of(
            node()
                .settings()
                .update(
                    body.amountText("paymentStep"),
                    body.amountText("maxSpend"),
                    body.amountText("maxSpendPerProvider"))));
  }

  /** The node running now; {@code LOCKED} while the host has none. */
  private Node node() throws NodeException {
    return host.current();
  }
}
