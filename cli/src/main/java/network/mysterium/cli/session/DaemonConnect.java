package network.mysterium.cli.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Stopping;
import network.mysterium.cli.UserError;
import network.mysterium.cli.daemon.DaemonClient;
import network.mysterium.cli.daemon.DaemonError;
import network.mysterium.cli.daemon.StatusCommand;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.node.NodeException;
import network.mysterium.session.SpendLimit;

/**
 * {@code mysterium connect} through a running daemon's API: the same candidates (GET /proposals
 * with connect's filters) tried in turn with POST /connection, the metering lines from GET /events,
 * and DELETE /connection on Ctrl-C, SIGTERM or the end of --run-for.
 */
final class DaemonConnect {
  /** What connect was asked, as far as the API takes it. */
  record Asked(
      String type,
      String country,
      String maxPrice,
      ServiceProposal.Metering metering,
      boolean preferredFirst,
      SpendLimit limit,
      String paymentStep,
      boolean tunnel,
      boolean killSwitch,
      long runForSeconds) {}

  private final MysteriumCommand root;
  private final DaemonClient daemon;

  DaemonConnect(MysteriumCommand root, DaemonClient daemon) {
    this.root = root;
    this.daemon = daemon;
  }

  int run(Asked asked) throws Exception {
    root.say("daemon.through", daemon.socket());
    // opened first, closed last: a signal ends the connection as a normal end does
    try (Stopping stopping = Stopping.onSignal()) {
      try {
        return connected(asked, stopping);
      } catch (InterruptedException e) {
        if (stopping.requested()) {
          leave(); // stopped while connecting: whatever the daemon opened meanwhile goes
          return 0;
        }
        throw e;
      }
    }
  }

  private int connected(Asked asked, Stopping stopping) throws Exception {
    List<JsonNode> candidates = candidates(asked);
    if (candidates.isEmpty()) {
      throw new UserError(
          "error.no-provider", asked.country() == null ? "-" : asked.country(), asked.type());
    }
    root.say("connect.limits", asked.limit().perSession(), asked.limit().perProvider());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(asked.runForSeconds());
    Watch watch = new Watch();
    boolean lost = false;
    try (AutoCloseable events = daemon.events(watch::on)) {
      JsonNode connection = open(candidates, asked, watch);
      if (asked.tunnel()) {
        root.say("connect.tunnel", connection.path("localEndpoint").asText("-"));
      } else {
        String socks = connection.path("socks").asText("");
        root.say("connect.connected", socks.substring(socks.lastIndexOf(':') + 1));
      }
      root.environment().out().flush();
      while (true) {
        stopping.await(left(asked, deadline), watch.ended());
        if (stopping.requested() || watch.ended().getCount() != 0) {
          break; // a signal or --run-for
        }
        // an event said DISCONNECTED; a late one from a failed candidate is no end
        JsonNode now = daemon.get("/connection");
        if ("CONNECTED".equals(now.path("state").asText())
            && watch.isProvider(now.path("provider").asText())) {
          watch.rearm();
          continue;
        }
        lost = true;
        break;
      }
      if (lost && asked.tunnel() && asked.killSwitch() && !stopping.requested()) {
        // lost, not disconnected: the daemon's kill switch holds until the user says so
        root.say("connect.kill-switch-holding");
        root.environment().out().flush();
        stopping.await(left(asked, deadline));
      }
    }
    leave();
    root.say("connect.disconnected");
    root.environment().out().flush();
    return 0;
  }

  private static Duration left(Asked asked, long deadline) {
    return asked.runForSeconds() > 0
        ? Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))
        : Duration.ZERO;
  }

  /** The daemon's proposals by connect's filters, as many as connect tries in-process. */
  private List<JsonNode> candidates(Asked asked) throws Exception {
    Map<String, Optional<String>> query = new LinkedHashMap<>();
    query.put("type", Optional.of(asked.type()));
    query.put("country", Optional.ofNullable(asked.country()).map(c -> c.toUpperCase(Locale.ROOT)));
    query.put("metering", Optional.ofNullable(asked.metering()).map(Enum::name));
    query.put("maxPrice", Optional.ofNullable(asked.maxPrice()));
    query.put("preferredFirst", asked.preferredFirst() ? Optional.of("true") : Optional.empty());
    query.put("limit", Optional.of("20"));
    List<JsonNode> found = new ArrayList<>();
    daemon.get("/proposals", query).path("proposals").forEach(found::add);
    return found;
  }

  /** Tries each candidate in turn, as connect does in-process; the first that connects stays. */
  private JsonNode open(List<JsonNode> candidates, Asked asked, Watch watch) throws Exception {
    String lastFailure = "-";
    for (JsonNode candidate : candidates) {
      String provider = candidate.path("provider").asText();
      String metering = candidate.path("metering").asText();
      root.say(
          "connect.trying",
          provider,
          candidate.path("country").asText(),
          Myst.parse(candidate.path("pricePerUnit").asText()),
          root.environment().messages().get("unit." + ServiceProposal.Metering.valueOf(metering)));
      root.environment().out().flush();
      watch.trying(provider);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("provider", provider);
      body.put("type", asked.type());
      body.put("paymentStep", asked.paymentStep());
      body.put("maxSpend", asked.limit().perSession().toPlainString());
      body.put("maxSpendPerProvider", asked.limit().perProvider().toPlainString());
      body.put("failOver", false); // this side picks the next candidate itself, as it did
      if (asked.tunnel()) {
        body.put("killSwitch", asked.killSwitch());
      }
      try {
        JsonNode connection = daemon.post("/connection", body);
        watch.connected();
        return connection;
      } catch (DaemonError e) {
        NodeException.Code code = e.nodeCode().orElse(null);
        if (code == NodeException.Code.ALREADY_CONNECTED) {
          throw new UserError("error.daemon-connected");
        }
        if (code != NodeException.Code.NO_PROVIDER) {
          throw e;
        }
        lastFailure = e.getMessage();
        root.say("connect.failed", provider, e.getMessage());
      }
    }
    throw new UserError("error.connect", lastFailure);
  }

  /** Ends the daemon's connection if it has not ended already. */
  private void leave() throws Exception {
    try {
      daemon.delete("/connection");
    } catch (DaemonError e) {
      if (e.nodeCode().orElse(null) != NodeException.Code.NOT_CONNECTED) {
        throw e;
      }
    }
  }

  /** The events of the provider being tried: metering lines, its end. */
  private final class Watch {
    private volatile String provider = "";
    private volatile boolean connected;
    private volatile CountDownLatch ended = new CountDownLatch(1);
    private long lastShown = -1;

    void trying(String address) {
      provider = address;
    }

    void connected() {
      connected = true;
    }

    boolean isProvider(String address) {
      return provider.equalsIgnoreCase(address);
    }

    CountDownLatch ended() {
      return ended;
    }

    void rearm() {
      ended = new CountDownLatch(1);
    }

    /** On the event stream's thread. */
    void on(DaemonClient.Event event) {
      JsonNode data = event.data();
      switch (event.name()) {
        case "metering" -> {
          if (isProvider(data.path("peer").asText())) {
            metering(data);
          }
        }
        case "session-closed" -> {
          if (connected && isProvider(data.path("peer").asText())) {
            root.say("connect.closed", data.path("reason").asText("-"));
            root.environment().out().flush();
          }
        }
        case "connection" -> {
          if (connected && "DISCONNECTED".equals(data.path("state").asText())) {
            ended.countDown();
          }
        }
        default -> {
          // session-opened, cleared: nothing connect says
        }
      }
    }

    private void metering(JsonNode m) {
      long seconds = m.path("durationMillis").asLong() / 1000;
      if (seconds == lastShown && !m.path("last").asBoolean()) {
        return; // at most one line a second
      }
      lastShown = seconds;
      root.say(
          "connect.metering",
          StatusCommand.megabytes(m.path("bytesToConsumer").asLong()),
          StatusCommand.megabytes(m.path("bytesFromConsumer").asLong()),
          Long.toString(seconds),
          Myst.parse(m.path("cost").asText("0")).toPlainString());
      root.environment().out().flush();
    }
  }
}
