package network.mysterium.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;

/**
 * The node's keystore: list, create, import. A passphrase is never echoed or logged; it reaches the
 * keystore as {@code char[]}, which the node wipes once used.
 */
final class IdentityRoutes {
  private final Node node;
  private final ObjectMapper mapper;

  IdentityRoutes(Node node, ObjectMapper mapper) {
    this.node = node;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.get("/identities", this::list);
    routes.post("/identities", this::create);
    routes.post("/identities/import", this::importKeystore);
  }

  private void list(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    ctx.json(
        new Views.Identities(
            node.identities().list().stream().map(Views.StoredIdentity::of).toList()));
  }

  private void create(Context ctx) throws NodeException {
    Body body = Body.parse(mapper, ctx.body(), Set.of("passphrase"));
    char[] passphrase = body.requiredText("passphrase").toCharArray();
    ctx.json(new Views.NewIdentity(node.identities().create(passphrase).toString()));
  }

  private void importKeystore(Context ctx) throws NodeException {
    Body body = Body.parse(mapper, ctx.body(), Set.of("keystore", "passphrase"));
    JsonNode keystore =
        body.object("keystore").orElseThrow(() -> ApiException.badRequest("keystore is required"));
    String json;
    try {
      json = mapper.writeValueAsString(keystore);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("keystore is not a JSON object");
    }
    char[] passphrase = body.requiredText("passphrase").toCharArray();
    ctx.json(new Views.NewIdentity(node.identities().importKeystore(json, passphrase).toString()));
  }
}
