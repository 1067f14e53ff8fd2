package network.mysterium.net.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A small Internet in network namespaces, made by a test and removed by {@link #close()} whatever
 * the test did: namespaces (and with them their veths and nftables tables), and every process
 * started through a {@link Host}. Needs root, {@code ip}, {@code nft} and {@code python3}.
 *
 * <pre>
 *                      border (namespace "internet", forwards, no NAT)
 *                      192.0.2.1 on every link; a /32 route per attached address
 *          n1 /     n2 |       n3 \              n4 \                 ...
 *   [public host]  [public host]  [home router, Nat kind]    [home router]
 *   203.0.113.10   203.0.113.11   wan 198.51.100.10          wan 198.51.100.11
 *                                 lan bridge 192.168.1.1/24  lan 192.168.2.1/24
 *                                   h1 |          h2 |
 *                                 [host]          [host]
 *                                 192.168.1.10    192.168.1.11
 * </pre>
 *
 * Public hosts take 203.0.113.10 onwards (TEST-NET-3) and home routers' WAN addresses 198.51.100.10
 * onwards (TEST-NET-2): documentation ranges that {@code InternetAddresses} counts as public, so
 * node code treats them as the Internet; the border is 192.0.2.1 (TEST-NET-1). Each public address
 * is a point-to-point link ({@code addr X peer 192.0.2.1}) to the border, which routes only those
 * /32s: a LAN address is unreachable from outside, as on the real Internet. Homes get {@code
 * 192.168.<n>.0/24}, the n-th home n. Inside a namespace the interfaces are {@code eth0} (a host),
 * {@code wan}/{@code lan} (a router, with its LAN ports {@code h<k>}) and {@code n<k>} (the
 * border); veths are created straight into their namespaces, never in the root one, so two
 * instances (or test classes) never collide, and namespace names carry the instance's random id.
 * Only the border and the routers forward. What each {@link Nat} kind's router does is described
 * there; its ruleset is {@code nft list ruleset} in {@link Home#router()}.
 */
public final class TestInternet implements AutoCloseable {
  /** The border router's address, every attached host's gateway. */
  public static final InetAddress BORDER = InetAddress.ofLiteral("192.0.2.1");

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,23}");

  private final String id;
  private final List<String> namespaces = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<Home> homes = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::close);
  private Host border;
  private int links;
  private int publicHosts;
  private boolean closed;

  private TestInternet(String id) {
    this.id = id;
  }

  /** A new Internet with only its border router; add hosts and homes to it. */
  public static TestInternet create() throws IOException {
    for (int attempt = 0; ; attempt++) {
      String id = "nl" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
      TestInternet internet = new TestInternet(id);
      Runtime.getRuntime().addShutdownHook(internet.shutdownHook);
      try {
        // the border's namespace claims the id: another instance that drew it fails here
        internet.border = internet.newHost("internet", BORDER);
        internet.forwarding(internet.border);
        return internet;
      } catch (IOException | RuntimeException e) {
        internet.close();
        if (internet.border != null
            || attempt >= 4
            || !Files.exists(Path.of("/run/netns", id + "-internet"))) {
          throw e;
        }
      }
    }
  }

  /** This instance's id, the prefix of its namespaces' names. */
  public String id() {
    return id;
  }

  /** The border router, e.g. to watch or impair traffic on its links. */
  public Host border() {
    return border;
  }

  /** The namespaces made so far, in the order they were made. */
  public synchronized List<String> namespaces() {
    return List.copyOf(namespaces);
  }

  /** The homes made so far. */
  public synchronized List<Home> homes() {
    return List.copyOf(homes);
  }

  /** A host with the next public address (203.0.113.10 onwards), attached to the border. */
  public synchronized Host publicHost(String name) throws IOException {
    if (publicHosts >= 240) {
      throw new IllegalStateException("240 public hosts at most");
    }
    InetAddress address = InetAddress.ofLiteral("203.0.113." + (10 + publicHosts++));
    Host host = newHost(name, address);
    attach(host, "eth0");
    return host;
  }

  /**
   * A home network: a router of kind {@code nat} with the next WAN address (198.51.100.10 onwards)
   * and an empty LAN; add hosts with {@link Home#host}.
   */
  public synchronized Home home(String name, Nat nat) throws IOException {
    if (homes.size() >= 240) {
      throw new IllegalStateException("240 homes at most");
    }
    int n = homes.size() + 1;
    Host router = newHost(name + "-router", InetAddress.ofLiteral("198.51.100." + (9 + n)));
    attach(router, "wan");
    Shell.run("ip", "-n", router.namespace(), "link", "add", "lan", "type", "bridge");
    Shell.run(
        "ip", "-n", router.namespace(), "addr", "add", "192.168." + n + ".1/24", "dev", "lan");
    Shell.run("ip", "-n", router.namespace(), "link", "set", "lan", "up");
    router.runWithInput(nat.ruleset(), "nft", "-f", "-");
    forwarding(router);
    Home home = new Home(this, name, nat, router, n);
    homes.add(home);
    return home;
  }

  /** A namespace named after {@code name}, loopback up, not yet attached. */
  synchronized Host newHost(String name, InetAddress address) throws IOException {
    if (closed) {
      throw new IllegalStateException("the test Internet is closed");
    }
    if (!NAME.matcher(name).matches() || !names.add(name)) {
      throw new IllegalArgumentException("not a new host name [a-z0-9-]{1,24}: " + name);
    }
    String ns = id + "-" + name;
    Shell.run("ip", "netns", "add", ns);
    namespaces.add(ns);
    Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
    return new Host(this, name, ns, address);
  }

  /** A point-to-point veth from {@code host}'s {@code device} to the border. */
  private void attach(Host host, String device) throws IOException {
    String link = "n" + ++links;
    String ns = host.namespace();
    String address = host.address().getHostAddress();
    String gateway = BORDER.getHostAddress();
    Shell.run(
        "ip",
        "link",
        "add",
        device,
        "netns",
        ns,
        "type",
        "veth",
        "peer",
        "name",
        link,
        "netns",
        border.namespace());
    Shell.run("ip", "-n", ns, "addr", "add", address, "peer", gateway, "dev", device);
    Shell.run("ip", "-n", ns, "link", "set", device, "up");
    Shell.run("ip", "-n", ns, "route", "add", "default", "via", gateway, "dev", device);
    Shell.run("ip", "-n", border.namespace(), "addr", "add", gateway, "peer", address, "dev", link);
    Shell.run("ip", "-n", border.namespace(), "link", "set", link, "up");
  }

  private void forwarding(Host router) throws IOException {
    router.run("sysctl", "-qw", "net.ipv4.ip_forward=1");
  }

  /** Starts a process and keeps its handle to end it on close. */
  synchronized Process started(ProcessBuilder builder) throws IOException {
    if (closed) {
      throw new IllegalStateException("the test Internet is closed");
    }
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /**
   * Ends the processes it started (by their handles), then deletes its namespaces, which takes
   * their veths and nftables tables with them. Throws after cleaning up if some other process still
   * ran in one of them (it keeps that namespace alive, unnamed, until it exits).
   */
  @Override
  public void close() {
    List<String> strays = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (Process p : processes) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      for (Process p : processes) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (String ns : namespaces.reversed()) {
        try {
          String pids = Shell.run("ip", "netns", "pids", ns).strip();
          if (!pids.isEmpty()) {
            strays.add(ns + ": " + pids.replace('\n', ' '));
          }
        } catch (IOException e) {
          // already gone
        }
        Shell.quietly("ip", "netns", "del", ns);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // closing from the hook itself, as the JVM exits
    }
    if (!strays.isEmpty()) {
      throw new IllegalStateException("processes it did not start ran in " + strays);
    }
  }
}
