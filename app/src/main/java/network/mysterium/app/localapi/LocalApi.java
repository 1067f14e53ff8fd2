package network.mysterium.app.localapi;

import java.nio.file.Path;
import network.mysterium.api.ApiServer;
import network.mysterium.node.Node;

/**
 * The local API (docs/openapi.json) on the app's own node, for other programs, when the user turns
 * it on in Settings: on {@code <dataDir>/api.sock}, where the CLI looks for a running node, so
 * {@code mysterium connect} and {@code status} on the app's data directory act through the app.
 */
public final class LocalApi implements AutoCloseable {
  private final Node node;
  private ApiServer server;

  public LocalApi(Node node) {
    this.node = node;
  }

  /** Where it listens (when on). */
  public Path socket() {
    return ApiServer.Options.defaults(node.dataDir()).unixSocket();
  }

  public synchronized boolean on() {
    return server != null;
  }

  /** Starts or stops it; a second start or stop does nothing. */
  public synchronized void set(boolean on) throws Exception {
    if (on && server == null) {
      server = ApiServer.start(node, ApiServer.Options.defaults(node.dataDir()));
    } else if (!on && server != null) {
      ApiServer stopping = server;
      server = null;
      stopping.close(); // removes the socket
    }
  }

  @Override
  public void close() throws Exception {
    set(false);
  }
}
