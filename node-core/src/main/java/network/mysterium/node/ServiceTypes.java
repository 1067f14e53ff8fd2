package network.mysterium.node;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import network.mysterium.service.ServiceClient;
import network.mysterium.service.socks.Socks5Client;
import network.mysterium.service.tunnel.HostNetwork;
import network.mysterium.service.tunnel.WireGuardBackend;
import network.mysterium.service.tunnel.WireGuardClient;

/**
 * The service types a node knows, by their proposal name, each with how a consumer makes its client
 * from {@link ConnectionOptions}. A new type is a new entry, not a new branch in the callers.
 */
public final class ServiceTypes {
  public static final String SOCKS5 = Socks5Client.TYPE;
  public static final String WIREGUARD = WireGuardBackend.TYPE;

  /**
   * A relay's offer (whitepaper 6.6): its contact is the relay's control address, where providers
   * behind NATs register. Announced and searched like any proposal, but no consumer connects to it,
   * so it has no client here (and {@link #check} refuses it for a connection).
   */
  public static final String RELAY = "relay";

  /** Makes the client of one connection attempt. */
  @FunctionalInterface
  public interface ClientMaker {
    ServiceClient make(ConnectionOptions how, java.net.InetSocketAddress providerContact)
        throws java.io.IOException;
  }

  private final Map<String, ClientMaker> clients;

  private ServiceTypes(Map<String, ClientMaker> clients) {
    this.clients = Map.copyOf(clients);
  }

  /** SOCKS5 (a local proxy, any user) and WireGuard (the IP tunnel, CAP_NET_ADMIN). */
  public static ServiceTypes standard() {
    Map<String, ClientMaker> clients = new LinkedHashMap<>();
    clients.put(SOCKS5, (how, contact) -> new Socks5Client(how.socksListen()));
    clients.put(
        WIREGUARD,
        (how, contact) ->
            new WireGuardClient(
                new WireGuardClient.Settings(
                    how.interfaceName(), how.killSwitch(), Duration.ofSeconds(10)),
                new HostNetwork(),
                contact));
    return new ServiceTypes(clients);
  }

  public Set<String> names() {
    return clients.keySet();
  }

  /**
   * @throws NodeException {@code INVALID_INPUT} for a type this node does not know
   */
  public void check(String type) throws NodeException {
    if (!clients.containsKey(type)) {
      throw new NodeException(
          NodeException.Code.INVALID_INPUT,
          "unknown service type " + type + " (known: " + String.join(", ", names()) + ")",
          type);
    }
  }

  /**
   * Whether this host lets this user open the tunnel at all, checked before anything is paid.
   *
   * @throws NodeException {@code HOST} with why not
   */
  public void checkTunnel(ConnectionOptions how) throws NodeException {
    try {
      HostNetwork.checkInterfaceName(how.interfaceName());
      new HostNetwork().openTun(how.interfaceName(), 1420).close();
    } catch (IllegalArgumentException e) {
      throw new NodeException(NodeException.Code.INVALID_INPUT, e.getMessage(), e);
    } catch (java.io.IOException e) {
      throw new NodeException(NodeException.Code.HOST, e.getMessage(), e);
    }
  }

  ServiceClient.Factory clients(ConnectionOptions how) {
    return (type, contact) -> {
      ClientMaker maker = clients.get(type);
      if (maker == null) {
        throw new java.io.IOException("unknown service type " + type);
      }
      return maker.make(how, contact);
    };
  }
}
