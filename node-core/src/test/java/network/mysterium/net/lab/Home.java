package network.mysterium.net.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A home network: a NAT router of one {@link Nat} kind with a public WAN address, and the hosts on
 * its LAN ({@code 192.168.<n>.0/24}, the router at {@code .1}).
 */
public final class Home {
  private final TestInternet internet;
  private final String name;
  private final Nat nat;
  private final Host router;
  private final int lan;
  private final List<Host> hosts = new ArrayList<>();

  Home(TestInternet internet, String name, Nat nat, Host router, int lan) {
    this.internet = internet;
    this.name = name;
    this.nat = nat;
    this.router = router;
    this.lan = lan;
  }

  public String name() {
    return name;
  }

  public Nat nat() {
    return nat;
  }

  /** The router's namespace; its address is the WAN address every inside host is mapped to. */
  public Host router() {
    return router;
  }

  /** The public address the router translates to. */
  public InetAddress wan() {
    return router.address();
  }

  /** The hosts added so far. */
  public synchronized List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /** A new host on the LAN, {@code 192.168.<n>.10} onwards, its default route the router. */
  public synchronized Host host(String hostName) throws IOException {
    if (hosts.size() >= 200) {
      throw new IllegalStateException("a home holds 200 hosts at most");
    }
    String address = "192.168." + lan + "." + (10 + hosts.size());
    Host host = internet.newHost(hostName, InetAddress.ofLiteral(address));
    String port = "h" + (hosts.size() + 1);
    Shell.run(
        "ip",
        "link",
        "add",
        "eth0",
        "netns",
        host.namespace(),
        "type",
        "veth",
        "peer",
        "name",
        port,
        "netns",
        router.namespace());
    Shell.run("ip", "-n", router.namespace(), "link", "set", port, "master", "lan", "up");
    Shell.run("ip", "-n", host.namespace(), "addr", "add", address + "/24", "dev", "eth0");
    Shell.run("ip", "-n", host.namespace(), "link", "set", "eth0", "up");
    Shell.run(
        "ip", "-n", host.namespace(), "route", "add", "default", "via", "192.168." + lan + ".1");
    hosts.add(host);
    return host;
  }

  @Override
  public String toString() {
    return name + "(" + nat + " " + wan().getHostAddress() + ")";
  }
}
