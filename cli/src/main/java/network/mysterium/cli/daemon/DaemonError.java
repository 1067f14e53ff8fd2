package network.mysterium.cli.daemon;

import java.util.Arrays;
import java.util.Optional;
import network.mysterium.node.NodeException;

/**
 * The daemon's API refused: its error's stable code (docs/openapi.json's x-error-codes) and
 * message. Callers decide by {@link #code()}, never by the message.
 */
public final class DaemonError extends Exception {
  private final String code;

  public DaemonError(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The node's code of the same name: the API answers every {@link NodeException.Code} so. */
  public Optional<NodeException.Code> nodeCode() {
    return Arrays.stream(NodeException.Code.values())
        .filter(c -> c.name().equals(code))
        .findFirst();
  }
}
