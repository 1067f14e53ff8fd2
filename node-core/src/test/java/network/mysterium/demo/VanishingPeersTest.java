package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that vanish: each runs in a process of its own ({@link VanishingPeer}) and is SIGKILLed, so
 * it says no goodbye and its sockets just close. The consumer falls over to the next provider; the
 * provider notices the silent consumer, ends its session and clears what it holds.
 */
class VanishingPeersTest {
  @TempDir Path temp;
  private final List<Process> children = new ArrayList<>();
  private com.sun.net.httpserver.HttpServer web;

  @AfterEach
  void cleanUp() throws Exception {
    for (Process child : children) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    if (web != null) {
      web.stop(0);
    }
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // reads block
  void aVanishedProviderIsSkippedForTheNextAndAVanishedConsumerIsStillCharged() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
        PrivateKey cheap = network.newIdentity(Myst.parse("0"), Myst.parse("0"))) {
      Process cheapProcess =
          start(cheap, "provider", network, temp.resolve("cheap.db"), "DE", "1", "0.01");
      BufferedReader cheapOut = output(cheapProcess);
      assertThat(cheapOut.readLine()).isEqualTo("ready"); // announced: its proposal is on chain
      ProviderNode dearer =
          network.startProvider(
              new LocalNetwork.ProviderSpec("DE", 2, "0.02"), SessionEvents.none());
      vanish(cheapProcess);

      Process consumerProcess =
          start(
              consumer,
              "consumer",
              network,
              temp.resolve("consumer.db"),
              Integer.toString(startWeb()));
      BufferedReader consumerOut = output(consumerProcess);
      assertThat(consumerOut.readLine())
          .as("the cheaper provider is tried first, and fails")
          .isEqualTo("failed " + cheap.address());
      String fetched = consumerOut.readLine();
      assertThat(fetched)
          .as(() -> "consumer's log:\n" + log("consumer"))
          .isEqualTo("fetched " + Demo.PAGE.length);
      assertThat(dearer.promises().held(consumer.address())).as("paid up front").isNotEmpty();

      // the consumer vanishes in its session: the provider hears nothing more, ends it, clears
      vanish(consumerProcess);
      Address from = consumer.address();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (dearer.promises().lastCleared(from) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(200); // polling the awaited condition
      }
      assertThat(dearer.promises().held(from)).isEmpty();
      PaymentsContract payments =
          new PaymentsContract(network.client(), network.deployment().payments());
      // It may have paid a further step at a metering message before the kill: what it paid is
      // whole steps, taken from its deposit, and all of it reached the provider less the fee.
      BigInteger step = Myst.parse("0.05").baseUnits();
      BigInteger debited =
          Myst.parse("1").baseUnits().subtract(payments.balanceOf(from.toString()));
      assertThat(debited).as("charged at least its first step").isGreaterThanOrEqualTo(step);
      assertThat(debited.mod(step)).as("in whole steps").isZero();
      assertThat(payments.balanceOf(dearer.address().toString()))
          .isEqualTo(debited.subtract(debited.divide(BigInteger.valueOf(100))));
    }
  }

  /** A {@link VanishingPeer} with the key on its standard input; killed after the test. */
  private Process start(PrivateKey key, String role, LocalNetwork network, Path db, String... more)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                VanishingPeer.class.getName(),
                role,
                network.rpcUrl(),
                network.deploymentFile().toString(),
                db.toString()));
    command.addAll(List.of(more));
    Process child =
        new ProcessBuilder(command).redirectError(temp.resolve(role + ".log").toFile()).start();
    children.add(child);
    Writer stdin =
        new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.US_ASCII);
    stdin.write(Hex.encode(key.toBytes()) + "\n");
    stdin.flush(); // left open: its end is what keeps the child waiting
    return child;
  }

  private String log(String role) {
    try {
      return java.nio.file.Files.readString(temp.resolve(role + ".log"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static BufferedReader output(Process child) {
    return new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
  }

  /** SIGKILL: no goodbye, no clean close of anything. */
  private static void vanish(Process child) throws Exception {
    child.destroyForcibly();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
  }

  private int startWeb() throws Exception {
    web =
        com.sun.net.httpserver.HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, Demo.PAGE.length);
          exchange.getResponseBody().write(Demo.PAGE);
          exchange.close();
        });
    web.start();
    return web.getAddress().getPort();
  }
}
