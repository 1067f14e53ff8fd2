package network.mysterium.net.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One machine of a {@link TestInternet}: a network namespace with one address. What it runs is
 * ended when the Internet closes.
 */
public final class Host {
  private final TestInternet internet;
  private final String name;
  private final String namespace;
  private final InetAddress address;

  Host(TestInternet internet, String name, String namespace, InetAddress address) {
    this.internet = internet;
    this.name = name;
    this.namespace = namespace;
    this.address = address;
  }

  /** The name the test gave it. */
  public String name() {
    return name;
  }

  /** Its network namespace, for {@code ip netns exec}. */
  public String namespace() {
    return namespace;
  }

  /** Its own address: public for a public host, on the LAN behind a home router. */
  public InetAddress address() {
    return address;
  }

  /** Runs a command here to its end (30 s at most): its output, or an IOException with it. */
  public String run(String... command) throws IOException {
    return Shell.runWithInput(null, Shell.in(namespace, List.of(command)));
  }

  /** Runs a command here with {@code input} on its standard input. */
  public String runWithInput(String input, String... command) throws IOException {
    return Shell.runWithInput(input, Shell.in(namespace, List.of(command)));
  }

  /**
   * Starts a command here, standard error merged into its output; ended when the Internet closes.
   * Read its output (or redirect it) or it may block once the pipe is full.
   */
  public Process start(String... command) throws IOException {
    return start(new ProcessBuilder(command).redirectErrorStream(true));
  }

  /**
   * Starts {@code builder}'s command here, with the builder's redirections and environment; ended
   * when the Internet closes.
   */
  public Process start(ProcessBuilder builder) throws IOException {
    builder.command(Shell.in(namespace, builder.command()));
    return internet.started(builder);
  }

  /**
   * Starts {@code main} in a new JVM here, with this JVM's class path and native access, standard
   * error merged into its output; ended when the Internet closes.
   */
  public Process startJava(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return start(command.toArray(String[]::new));
  }

  /** A UDP socket bound here on {@code port} (0: any), driven from the test. */
  public UdpSocket udp(int port) throws IOException {
    return UdpSocket.open(this, port);
  }

  /**
   * A "what is my address" responder here on {@code port}: it answers every datagram with the
   * source {@code address:port} it saw, as STUN's binding response would.
   */
  public java.net.InetSocketAddress startAddressResponder(int port) throws IOException {
    return UdpSocket.responder(this, port);
  }

  @Override
  public String toString() {
    return name + "(" + address.getHostAddress() + ")";
  }
}
