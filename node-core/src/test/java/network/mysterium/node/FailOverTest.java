package network.mysterium.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SpendLimit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's fail-over (issue 16 item 4, issue 20 item 5): two real providers in one country of a
 * local network; the one connected is killed, or this side leaves it at its limit per provider, and
 * the node goes on to the other by itself, saying why; the connection's own limit stops it, and so
 * does the option turned off. Each test has a country of its own.
 */
class FailOverTest {
  @TempDir static Path temp;
  private static LocalNetwork network;
  private static HttpServer web;
  private static final byte[] SMALL = "through the next provider\n".getBytes();

  @BeforeAll
  static void network() throws Exception {
    network = LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
    web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] chunk = new byte[1 << 20];
    web.createContext(
        "/big",
        exchange -> {
          exchange.sendResponseHeaders(200, 40L << 20); // 0.42 MYST at 0.01 per MB
          try (OutputStream body = exchange.getResponseBody()) {
            for (int i = 0; i < 40; i++) {
              body.write(chunk);
            }
          } catch (IOException e) {
            // the session ended under it
          }
        });
    web.createContext(
        "/small",
        exchange -> {
          exchange.sendResponseHeaders(200, SMALL.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(SMALL);
          }
        });
    web.start();
  }

  @AfterAll
  static void stop() throws Exception {
    web.stop(0);
    network.close();
  }

  @Test
  void aKilledProviderIsFailedOverToTheOtherInItsCountryAndServesThere() throws Exception {
    List<ProviderNode> two = providers("DE");
    List<ConnectionStatus> states = new CopyOnWriteArrayList<>();
    try (Node node = consumer("killed")) {
      node.subscribeStatus(states::add);
      ConsumerSession first = node.connect("DE", ConnectionOptions.socks5(), SessionEvents.none());
      Address left = first.provider();
      ProviderNode connected = provider(two, left);
      connected.close(); // vanishes

      await(() -> connectedTo(node).filter(p -> !p.equals(left)).isPresent(), "the fail-over");
      ConnectionStatus failing = stateOf(states, ConnectionStatus.State.FAILING_OVER);
      assertThat(failing.provider()).contains(left);
      assertThat(failing.endedBecause()).isPresent();
      assertThat(failing.leftFor()).as("lost, not left by this side").isEmpty();
      Address next = node.status().provider().orElseThrow();
      assertThat(two.stream().map(ProviderNode::address)).contains(next);
      assertThat(node.status().country()).contains("DE");
      assertThat(get(node.connection().orElseThrow().socksAddress(), "/small")).endsWith(SMALL);
      assertThat(node.history(10))
          .as("the left session is in the history")
          .anySatisfy(e -> assertThat(e.provider()).isEqualTo(left));

      node.disconnect();
      assertThat(node.status().state()).isEqualTo(ConnectionStatus.State.DISCONNECTED);
      assertThat(states)
          .extracting(ConnectionStatus::state)
          .containsSubsequence(
              ConnectionStatus.State.CONNECTED,
              ConnectionStatus.State.FAILING_OVER,
              ConnectionStatus.State.CONNECTED,
              ConnectionStatus.State.DISCONNECTED);
    } finally {
      two.forEach(ProviderNode::close);
    }
  }

  @Test
  void aProviderLeftAtItsLimitIsSkippedForTheNextWithTheTypedReason() throws Exception {
    List<ProviderNode> two = providers("FR");
    List<ConnectionStatus> states = new CopyOnWriteArrayList<>();
    try (Node node = consumer("limit")) {
      node.subscribeStatus(states::add);
      ConnectionOptions how =
          ConnectionOptions.socks5()
              .withSpendLimit(new SpendLimit(Myst.parse("1"), Myst.parse("0.1")));
      ConsumerSession first = node.connect("FR", how, SessionEvents.none());
      Address left = first.provider();
      drain(first.socksAddress(), "/big"); // 40 MB: past 0.1 MYST

      await(() -> connectedTo(node).filter(p -> !p.equals(left)).isPresent(), "the fail-over");
      ConnectionStatus failing = stateOf(states, ConnectionStatus.State.FAILING_OVER);
      assertThat(failing.provider()).contains(left);
      assertThat(failing.leftFor()).contains(ConsumerSession.Failure.PROVIDER_SPEND_LIMIT);
      assertThat(failing.endedBecause().orElseThrow()).contains("0.1 MYST per provider");
      assertThat(get(node.connection().orElseThrow().socksAddress(), "/small")).endsWith(SMALL);
      node.disconnect();
    } finally {
      two.forEach(ProviderNode::close);
    }
  }

  @Test
  void theConnectionsOwnLimitStopsItInsteadOfFailingOver() throws Exception {
    List<ProviderNode> two = providers("NL");
    List<ConnectionStatus> states = new CopyOnWriteArrayList<>();
    try (Node node = consumer("connection-limit")) {
      node.subscribeStatus(states::add);
      ConnectionOptions how =
          ConnectionOptions.socks5()
              .withSpendLimit(new SpendLimit(Myst.parse("0.1"), Myst.parse("2")));
      ConsumerSession first = node.connect("NL", how, SessionEvents.none());
      drain(first.socksAddress(), "/big");

      await(
          () -> node.status().state() == ConnectionStatus.State.DISCONNECTED,
          "the end of the connection");
      assertThat(node.status().endedBecause().orElseThrow()).contains("0.1 MYST per session");
      assertThat(states)
          .extracting(ConnectionStatus::state)
          .doesNotContain(ConnectionStatus.State.FAILING_OVER);
      assertThat(node.connection()).isEmpty();
    } finally {
      two.forEach(ProviderNode::close);
    }
  }

  @Test
  void withTheOptionOffALostSessionEndsTheConnection() throws Exception {
    List<ProviderNode> two = providers("PL");
    List<ConnectionStatus> states = new CopyOnWriteArrayList<>();
    try (Node node = consumer("off")) {
      node.subscribeStatus(states::add);
      ConsumerSession first =
          node.connect("PL", ConnectionOptions.socks5().withFailOver(false), SessionEvents.none());
      provider(two, first.provider()).close();

      await(
          () -> node.status().state() == ConnectionStatus.State.DISCONNECTED,
          "the end of the connection");
      assertThat(states)
          .extracting(ConnectionStatus::state)
          .doesNotContain(ConnectionStatus.State.FAILING_OVER);
      assertThat(node.connection()).isEmpty();
    } finally {
      two.forEach(ProviderNode::close);
    }
  }

  private static List<ProviderNode> providers(String country) throws Exception {
    return List.of(
        network.startProvider(
            new LocalNetwork.ProviderSpec(country, 3320, "0.01"), SessionEvents.none()),
        network.startProvider(
            new LocalNetwork.ProviderSpec(country, 3320, "0.01"), SessionEvents.none()));
  }

  private static Node consumer(String name) throws Exception {
    return Node.start(
        network.nodeConfig(temp.resolve(name)),
        network.newIdentity(Myst.parse("5"), Myst.parse("2")));
  }

  private static ProviderNode provider(List<ProviderNode> two, Address address) {
    return two.stream().filter(p -> p.address().equals(address)).findFirst().orElseThrow();
  }

  private static Optional<Address> connectedTo(Node node) {
    ConnectionStatus now = node.status();
    return now.state() == ConnectionStatus.State.CONNECTED ? now.provider() : Optional.empty();
  }

  private static ConnectionStatus stateOf(List<ConnectionStatus> states, ConnectionStatus.State s) {
    return states.stream().filter(c -> c.state() == s).findFirst().orElseThrow();
  }

  /** A GET through the proxy: the whole response, headers and body. */
  private static byte[] get(InetSocketAddress socks, String path) throws IOException {
    try (Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, socks))) {
      socket.connect(
          InetSocketAddress.createUnresolved("localhost", web.getAddress().getPort()), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return in.readAllBytes();
    }
  }

  /** Reads a page through the proxy until it ends or the session is cut under it. */
  private static void drain(InetSocketAddress socks, String path) {
    try {
      get(socks, path);
    } catch (IOException e) {
      // cut with the session: what the test waits for
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50); // polling the awaited condition
    }
  }
}
