package network.mysterium.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;
import network.mysterium.crypto.Address;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeHost;

/**
 * The node's keystore: list, create, import, and which identity the node runs as (unlock, lock). A
 * passphrase is never echoed or logged; it reaches the keystore as {@code char[]}, which the node
 * wipes once used.
 */
final class IdentityRoutes {
  private final NodeHost host;
  private final ObjectMapper mapper;

  IdentityRoutes(NodeHost host, ObjectMapper mapper) {
    this.host = host;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.get("/identities", this::list);
    routes.post("/identities", this::create);
    routes.post("/identities/import", this::importKeystore);
    routes.post("/identities/{address}/unlock", this::unlock);
    routes.post("/identity/lock", this::lock);
  }

  private void list(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    ctx.json(
        new Views.Identities(
            host.identities().list().stream().map(Views.StoredIdentity::of).toList()));
  }

  private void create(Context ctx) throws NodeException {
    Body body = Body.parse(mapper, ctx.body(), Set.of("passphrase"));
    char[] passphrase = body.requiredText("passphrase").toCharArray();
    ctx.json(new Views.NewIdentity(host.identities().create(passphrase).toString()));
  }

  /** Runs the node as this identity (switching from another: its connection ends). */
  private void unlock(Context ctx) throws NodeException {
    Address address = Body.address("address", ctx.pathParam("address"));
    Body body = Body.parse(mapper, ctx.body(), Set.of("passphrase"));
    char[] passphrase = body.requiredText("passphrase").toCharArray();
    Node node = host.unlock(address, passphrase);
    ctx.json(new Views.Identity(node.address().toString(), node.wallet().balances().registered()));
  }

  /** Stops the node: only the keystore is served until an identity is unlocked again. */
  private void lock(Context ctx) throws NodeException {
    Body.parse(mapper, ctx.body(), Set.of());
    host.lock();
    ctx.json(new Views.Locked(true));
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
    ctx.json(new Views.NewIdentity(host.identities().importKeystore(json, passphrase).toString()));
  }
}
