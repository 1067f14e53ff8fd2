package network.mysterium.service.tunnel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import network.mysterium.tun.LinuxTun;
import network.mysterium.tun.TunDevice;

/**
 * The host's network configuration as the IP tunnel changes it: addresses, links and routes with
 * iproute2's {@code ip}, firewall and NAT with {@code nft}, and sysctls. Each call runs the tool
 * and fails with what it said; nothing here is left behind by a caller that undoes what it did.
 */
public final class HostNetwork {
  /** Where a packet to an address leaves now: the gateway (if any) and the device. */
  public record Route(Optional<String> via, String device) {}

  private final Duration timeout;
  private final Optional<String> namespace;

  public HostNetwork() {
    this(Duration.ofSeconds(10));
  }

  /** With another limit on how long one tool may run (tests). */
  HostNetwork(Duration timeout) {
    this(timeout, Optional.empty());
  }

  /**
   * Configuring the named network namespace instead of this process's (tests): TUN devices are
   * moved into it, and every tool runs in it. Sockets stay in this process's namespace.
   */
  HostNetwork(Duration timeout, Optional<String> namespace) {
    this.timeout = timeout;
    this.namespace = namespace;
  }

  /** CAP_NET_ADMIN's bit in the capability sets (linux/capability.h). */
  private static final int CAP_NET_ADMIN = 12;

  /**
   * Whether this process may manage network interfaces: CAP_NET_ADMIN in its effective set (root,
   * or a launcher given the capability). False where /proc says nothing (not Linux).
   */
  public static boolean mayManageNetwork() {
    try {
      return netAdminIn(
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")));
    } catch (IOException | RuntimeException e) {
      return false; // not Linux, or /proc unreadable: the tunnel's own error explains on use
    }
  }

  /** Whether the CapEff line of a /proc status holds CAP_NET_ADMIN. */
  static boolean netAdminIn(List<String> status) {
    for (String line : status) {
      if (line.startsWith("CapEff:")) {
        long effective = Long.parseUnsignedLong(line.substring(7).strip(), 16);
        return (effective & (1L << CAP_NET_ADMIN)) != 0;
      }
    }
    return false;
  }

  /**
   * Opens a TUN device, or says plainly that the IP tunnel needs root (or CAP_NET_ADMIN) and
   * /dev/net/tun, and that the SOCKS5 service needs neither.
   */
  public TunDevice openTun(String name, int mtu) throws IOException {
    try {
      TunDevice tun = LinuxTun.open(name, mtu);
      if (namespace.isPresent()) {
        try {
          run0("ip", "link", "set", tun.name(), "netns", namespace.get());
        } catch (IOException e) {
          tun.close();
          throw e;
        }
      }
      return tun;
    } catch (IOException | UnsatisfiedLinkError | IllegalStateException e) {
      throw new IOException(
          "cannot open the TUN device "
              + name
              + " ("
              + e.getMessage()
              + "): the IP tunnel needs root (or CAP_NET_ADMIN) and /dev/net/tun; without them,"
              + " use the SOCKS5 service (--type socks5)",
          e);
    }
  }

  /** Runs a command; its standard output, or an IOException with what it printed. */
  public String run(String... command) throws IOException {
    return runWithInput(null, command);
  }

  /** Runs a command in this process's namespace. */
  private String run0(String... command) throws IOException {
    return runIn(Optional.empty(), null, command);
  }

  /** Applies an nftables script ({@code nft -f -}). */
  public void nft(String script) throws IOException {
    runWithInput(script, "nft", "-f", "-");
  }

  /** Deletes an nftables table if it is there. */
  public void deleteTable(String family, String table) {
    try {
      run("nft", "delete", "table", family, table);
    } catch (IOException e) {
      // not there: nothing to remove
    }
  }

  /** The route the host takes to an IPv4 address now ({@code ip route get}). */
  public Route routeTo(InetAddress address) throws IOException {
    String out = run("ip", "-4", "route", "get", address.getHostAddress());
    List<String> words = List.of(out.strip().split("\\s+"));
    int dev = words.indexOf("dev");
    if (dev < 0 || dev + 1 >= words.size()) {
      throw new IOException("no route to " + address.getHostAddress() + ": " + out.strip());
    }
    int via = words.indexOf("via");
    return new Route(
        via >= 0 && via + 1 < words.size() ? Optional.of(words.get(via + 1)) : Optional.empty(),
        words.get(dev + 1));
  }

  public String readSysctl(String name) throws IOException {
    if (namespace.isPresent()) {
      return run("sysctl", "-n", name).strip();
    }
    return Files.readString(sysctl(name)).strip();
  }

  public void writeSysctl(String name, String value) throws IOException {
    if (namespace.isPresent()) {
      run("sysctl", "-q", "-w", name + "=" + value);
      return;
    }
    Files.writeString(sysctl(name), value + "\n");
  }

  private static Path sysctl(String name) {
    return Path.of("/proc/sys", name.replace('.', '/'));
  }

  /**
   * Runs a tool, feeding it {@code input}, and returns what it printed; a tool that has not
   * finished after the timeout is killed (a hung nft or ip must not hang the tunnel's caller).
   */
  String runWithInput(String input, String... command) throws IOException {
    return runIn(namespace, input, command);
  }

  private String runIn(Optional<String> netns, String input, String... command) throws IOException {
    List<String> line = new ArrayList<>();
    netns.ifPresent(ns -> line.addAll(List.of("ip", "netns", "exec", ns)));
    line.addAll(List.of(command));
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
    // the child gets no variable of ours: the passphrase may be in one (any name the user chose)
    Map<String, String> environment = builder.environment();
    String path = environment.getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    environment.clear();
    environment.put("PATH", path);
    environment.put("LC_ALL", "C"); // the output we parse is the untranslated one
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException(
          command[0]
              + " is not installed ("
              + (command[0].equals("nft") ? "Debian package nftables" : "Debian package iproute2")
              + ")",
          e);
    }
    // stdin and stdout on their own threads: a tool that stops reading or writing cannot block us
    Thread feeder =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (OutputStream stdin = process.getOutputStream()) {
                    if (input != null) {
                      stdin.write(input.getBytes(StandardCharsets.UTF_8));
                    }
                  } catch (IOException e) {
                    // the tool exited without reading: its exit code says why
                  }
                });
    CompletableFuture<String> output = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                output.complete(
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                output.complete("");
              }
            });
    String out;
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
      }
      out = output.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command[0], e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(String.join(" ", command) + " left its output open", e);
    } finally {
      feeder.interrupt();
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
    return out;
  }

  /**
   * An interface name this node creates: what Linux takes (at most 15 bytes) from letters, digits
   * and {@code _ . -} only, since the name goes into nftables scripts (a quote in it would end the
   * script's string).
   *
   * @throws IllegalArgumentException for anything else, saying what is allowed
   */
  public static String checkInterfaceName(String name) {
    if (name == null
        || !name.matches("[A-Za-z0-9_.-]{1,15}")
        || name.equals(".")
        || name.equals("..")) {
      throw new IllegalArgumentException(
          "an interface name is 1 to 15 letters, digits, '_', '.' or '-', got '" + name + "'");
    }
    return name;
  }

  /** An nftables-safe identifier made from an interface name. */
  static String tableName(String interfaceName) {
    return "mysterium_" + interfaceName.replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** Collects undo steps and runs them last-first (one failing does not stop the others). */
  static final class Undo {
    interface Step {
      void run() throws Exception;
    }

    private final List<Step> steps = new ArrayList<>();

    void add(Step step) {
      steps.add(step);
    }

    void runAll() {
      for (int i = steps.size() - 1; i >= 0; i--) {
        try {
          steps.get(i).run();
        } catch (Exception e) {
          org.slf4j.LoggerFactory.getLogger(HostNetwork.class)
              .warn("undoing a network change failed: {}", e.getMessage());
        }
      }
      steps.clear();
    }
  }
}
