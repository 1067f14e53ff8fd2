package network.mysterium.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.node.ConnectionStatus;
import network.mysterium.node.Node;
import network.mysterium.node.Subscription;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/sdk.md shows the example this build compiles, and the example works on a local network. */
class SdkGuideTest {
  @TempDir Path temp;

  @Test
  void theGuideShowsTheCompiledExampleWordForWord() throws Exception {
    String example =
        Files.readString(Path.of("src/test/java/network/mysterium/sdk/ConnectFromYourApp.java"));
    String shown =
        example.substring(
            example.indexOf("// sdk-example-start\n") + "// sdk-example-start\n".length(),
            example.indexOf("// sdk-example-end"));
    assertThat(Files.readString(Path.of("sdk.md"))).contains(shown);
  }

  @Test
  void theExampleConnectsAndItsTrafficGoesThroughTheProvider() throws Exception {
    HttpServer web =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] page = "through an embedded node\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, page.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(page);
          }
        });
    web.start();
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {})) {
      network.startProvider(
          new LocalNetwork.ProviderSpec("DE", 3320, "0.01"), SessionEvents.none());
      PrivateKey key = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
      try (Node node = Node.start(network.nodeConfig(temp.resolve("app")), key);
          Subscription metering = ConnectFromYourApp.printMetering(node)) {
        InetSocketAddress proxy = ConnectFromYourApp.connect(node, "DE");
        assertThat(node.status().state()).isEqualTo(ConnectionStatus.State.CONNECTED);
        try (Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, proxy))) {
          socket.connect(
              InetSocketAddress.createUnresolved("localhost", web.getAddress().getPort()), 10_000);
          socket
              .getOutputStream()
              .write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          String answer =
              new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
          assertThat(answer).startsWith("HTTP/1.1 200").contains("through an embedded node");
        }
        node.disconnect();
        assertThat(node.history(1)).hasSize(1);
      }
    } finally {
      web.stop(0);
    }
  }
}
