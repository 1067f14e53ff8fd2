package network.mysterium.provider;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import network.mysterium.relay.TcpSplices;
import network.mysterium.service.PinnedTls;
import network.mysterium.service.ServiceBackend;
import network.mysterium.service.socks.SessionGate;
import network.mysterium.service.socks.Socks5Backend;
import network.mysterium.service.socks.Socks5Client;
import network.mysterium.service.socks.Socks5Exit;
import network.mysterium.service.tunnel.HostNetwork;
import network.mysterium.service.tunnel.WireGuardBackend;

/**
 * The service types a provider can offer, by their proposal name, each with how it starts: a new
 * type is a new entry here, not a new branch in {@link ProviderNode}.
 */
public final class ProviderServices {
  /** A started service: what to close when the provider stops, and what sessions open. */
  public record Started(AutoCloseable service, ServiceBackend backend) {}

  /** Starts one service type's exit for a provider. */
  @FunctionalInterface
  public interface Starter {
    /**
     * @param gate which session a data connection belongs to (the provider's sessions)
     * @param splices how a stream service is reached through the node's relays, if it is behind a
     *     NAT
     */
    Started start(ProviderNode.Config config, SessionGate gate, TcpSplices splices)
        throws IOException;
  }

  private final Map<String, Starter> starters;

  private ProviderServices(Map<String, Starter> starters) {
    this.starters = Map.copyOf(starters);
  }

  /** SOCKS5 (a TLS-pinned exit) and WireGuard (the IP tunnel, CAP_NET_ADMIN). */
  public static ProviderServices standard() {
    Map<String, Starter> starters = new LinkedHashMap<>();
    starters.put(
        Socks5Client.TYPE,
        (config, gate, splices) -> {
          PinnedTls tls = PinnedTls.generate(new SecureRandom());
          Socks5Exit exit =
              Socks5Exit.start(tls, config.exitListen(), gate, config.allowPrivateTargets());
          // behind a NAT, consumers reach the exit at a relay, which splices them to it
          AutoCloseable dialed = splices.serve(exit::serveDialed);
          return new Started(
              () -> {
                dialed.close();
                exit.close();
              },
              new Socks5Backend(
                  config.advertisedHost(),
                  exit.address(),
                  tls.certificateSha256(),
                  splices::address));
        });
    starters.put(
        WireGuardBackend.TYPE,
        (config, gate, splices) -> {
          WireGuardBackend wireGuard =
              WireGuardBackend.start(
                  config.wireGuard(), config.advertisedHost(), new HostNetwork());
          return new Started(wireGuard, wireGuard);
        });
    return new ProviderServices(starters);
  }

  public Set<String> names() {
    return starters.keySet();
  }

  /**
   * @throws IllegalArgumentException for a type this provider does not know
   */
  Starter starter(String type) {
    Starter starter = starters.get(type);
    if (starter == null) {
      throw new IllegalArgumentException(
          "unknown service type " + type + " (known: " + String.join(", ", names()) + ")");
    }
    return starter;
  }
}
