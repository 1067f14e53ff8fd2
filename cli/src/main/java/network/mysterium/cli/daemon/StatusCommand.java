package network.mysterium.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.node.NodeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mysterium status}: what the daemon on the data directory is doing (its connection and
 * current session), asked over its API; exit code 1 when no daemon runs there.
 */
@Command(name = "status", mixinStandardHelpOptions = true)
public final class StatusCommand implements Callable<Integer> {
  @ParentCommand private MysteriumCommand root;

  @Override
  public Integer call() throws Exception {
    Path dataDir = root.dataDirectory().root();
    Optional<DaemonClient> found = DaemonClient.ifRunning(dataDir);
    if (found.isEmpty()) {
      root.say("status.none", dataDir.toAbsolutePath());
      return 1;
    }
    try (DaemonClient daemon = found.get()) {
      JsonNode identity = daemon.get("/identity");
      root.say("status.daemon", daemon.socket(), identity.path("address").asText());
      JsonNode connection = daemon.get("/connection");
      root.say("status.connection", connection.path("state").asText());
      if (connection.hasNonNull("provider")) {
        root.say(
            "status.provider",
            connection.path("provider").asText(),
            text(connection, "serviceType"),
            text(connection, "country"),
            text(connection, "since"));
      }
      if (connection.hasNonNull("socks")) {
        root.say("status.socks", connection.path("socks").asText());
      } else if (connection.hasNonNull("localEndpoint")) {
        root.say("status.tunnel", connection.path("localEndpoint").asText());
      }
      if (connection.hasNonNull("endedBecause")) {
        root.say("status.ended", connection.path("endedBecause").asText());
      }
      current(daemon)
          .ifPresent(
              s ->
                  root.say(
                      "status.session",
                      s.path("sessionId").asText(),
                      megabytes(s.path("bytesToConsumer").asLong()),
                      megabytes(s.path("bytesFromConsumer").asLong()),
                      Long.toString(s.path("durationSeconds").asLong()),
                      s.path("cost").asText(),
                      s.path("spent").asText()));
    }
    return 0;
  }

  /** The current session, or none when the daemon is not connected. */
  private static Optional<JsonNode> current(DaemonClient daemon) throws Exception {
    try {
      return Optional.of(daemon.get("/sessions/current"));
    } catch (DaemonError e) {
      if (e.nodeCode().orElse(null) == NodeException.Code.NOT_CONNECTED) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.path(field).asText() : "-";
  }

  /** Bytes as megabytes with two decimals, as connect's metering lines say them. */
  public static String megabytes(long bytes) {
    return BigDecimal.valueOf(bytes)
        .movePointLeft(6)
        .setScale(2, RoundingMode.HALF_UP)
        .toPlainString();
  }
}
