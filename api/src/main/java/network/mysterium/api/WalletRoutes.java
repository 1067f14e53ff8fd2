package network.mysterium.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;
import java.util.regex.Pattern;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeHost;

/**
 * The identity's money. A deposit, withdrawal or registration answers a preview and sends nothing;
 * only {@code POST /wallet/confirm} with the preview's id sends it.
 */
final class WalletRoutes {
  private static final Pattern PREVIEW_ID = Pattern.compile("[0-9a-f]{32}");

  private final NodeHost host;
  private final ObjectMapper mapper;

  WalletRoutes(NodeHost host, ObjectMapper mapper) {
    this.host = host;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.get("/wallet", this::balances);
    routes.get("/wallet/promises", this::promises);
    routes.post("/wallet/deposit", this::deposit);
    routes.post("/wallet/withdrawal", this::withdrawal);
    routes.post("/wallet/withdrawal/completion", this::completion);
    routes.post("/wallet/registration", this::registration);
    routes.post("/wallet/confirm", this::confirm);
  }

  private void balances(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    ctx.json(Views.Wallet.of(node().address(), node().wallet().balances()));
  }

  private void promises(Context ctx) throws NodeException {
    Query.of(ctx, Set.of());
    ctx.json(
        new Views.Promises(node().wallet().promises().stream().map(Views.Promise::of).toList()));
  }

  private void deposit(Context ctx) throws NodeException {
    Body body = Body.parse(mapper, ctx.body(), Set.of("amount"));
    String amount = body.amountText("amount").orElseThrow(() -> required("amount"));
    ctx.json(Views.Preview.of(node().wallet().previewDeposit(amount)));
  }

  private void withdrawal(Context ctx) throws NodeException {
    Body body = Body.parse(mapper, ctx.body(), Set.of("to", "amount"));
    String to = body.address("to").orElseThrow(() -> required("to")).toString();
    String amount = body.amountText("amount").orElseThrow(() -> required("amount"));
    ctx.json(Views.Preview.of(node().wallet().previewWithdrawal(to, amount)));
  }

  private void completion(Context ctx) throws NodeException {
    Body.parse(mapper, ctx.body(), java.util.Set.of());
    ctx.json(Views.Preview.of(node().wallet().previewWithdrawalCompletion()));
  }

  private void registration(Context ctx) throws NodeException {
    Body.parse(mapper, ctx.body(), Set.of());
    ctx.json(Views.Preview.of(node().wallet().previewRegistration()));
  }

  private void confirm(Context ctx) throws NodeException {
    Body body = Body.parse(mapper, ctx.body(), Set.of("preview"));
    String id = body.requiredText("preview");
    if (!PREVIEW_ID.matcher(id).matches()) {
      throw ApiException.badRequest("preview must be the id a preview answered");
    }
    ctx.json(new Views.Sent(node().wallet().confirm(id)));
  }

  private static ApiException required(String field) {
    return ApiException.badRequest(field + " is required");
  }

  /** The node running now; {@code LOCKED} while the host has none. */
  private Node node() throws NodeException {
    return host.current();
  }
}
