package network.mysterium.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SessionHistory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The composition root as its users drive it: a consumer node that connects, meters, disconnects
 * and keeps its history; sharing on the node's own database; a wallet whose previews send nothing
 * until confirmed. A real anvil, real SQLite files, a real SOCKS5 exit.
 */
class NodeTest {
  @TempDir static Path temp;
  private static LocalNetwork network;
  private static HttpServer web;
  private static final byte[] PAGE = "through the node\n".repeat(50_000).getBytes();

  @BeforeAll
  static void network() throws Exception {
    network = LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
    network.startProvider(new LocalNetwork.ProviderSpec("DE", 3320, "0.01"), SessionEvents.none());
    web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, PAGE.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(PAGE);
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
  void aNodeConnectsMetersDisconnectsAndKeepsTheSessionInItsHistory() throws Exception {
    List<ConnectionStatus> states = new CopyOnWriteArrayList<>();
    List<SessionEvents.Metering> metered = new CopyOnWriteArrayList<>();
    List<SessionEvents.Metering> afterUnsubscribing = new CopyOnWriteArrayList<>();
    PrivateKey key = network.newIdentity(Myst.parse("5"), Myst.parse("1"));
    Address you = key.address();
    try (Node node = Node.start(network.nodeConfig(temp.resolve("consumer")), key)) {
      assertThat(node.address()).isEqualTo(you);
      Subscription status = node.subscribeStatus(states::add);
      Subscription metering =
          node.subscribe(
              new SessionEvents() {
                @Override
                public void metering(Address peer, Metering m) {
                  metered.add(m);
                }
              });
      assertThat(node.countries(ServiceTypes.SOCKS5))
          .extracting(Node.CountryRow::country)
          .containsExactly("DE");

      ConsumerSession session =
          node.connect("de", ConnectionOptions.socks5(), SessionEvents.none());
      assertThat(node.status().state()).isEqualTo(ConnectionStatus.State.CONNECTED);
      assertThat(node.status().country()).contains("DE");
      assertThat(node.connection()).containsSame(session);
      assertThat(fetch(session.socksAddress())).isGreaterThanOrEqualTo(PAGE.length);
      await(
          () -> metered.stream().anyMatch(m -> m.bytesToConsumer() >= PAGE.length),
          "metering of the page");
      assertThatThrownBy(() -> node.connect("DE", ConnectionOptions.socks5(), SessionEvents.none()))
          .isInstanceOfSatisfying(
              NodeException.class,
              e -> assertThat(e.code()).isEqualTo(NodeException.Code.ALREADY_CONNECTED));

      metering.close();
      node.subscribe(
          new SessionEvents() {
            @Override
            public void metering(Address peer, Metering m) {
              afterUnsubscribing.add(m);
            }
          });
      int seenBefore = metered.size();
      await(() -> !afterUnsubscribing.isEmpty(), "metering after the first listener left");
      assertThat(metered).hasSize(seenBefore);

      node.disconnect();
      assertThat(node.status().state()).isEqualTo(ConnectionStatus.State.DISCONNECTED);
      assertThat(node.connection()).isEmpty();
      assertThatThrownBy(node::disconnect)
          .isInstanceOfSatisfying(
              NodeException.class,
              e -> assertThat(e.code()).isEqualTo(NodeException.Code.NOT_CONNECTED));
      status.close();
      assertThat(states)
          .extracting(ConnectionStatus::state)
          .containsExactly(
              ConnectionStatus.State.DISCONNECTED,
              ConnectionStatus.State.CONNECTING,
              ConnectionStatus.State.CONNECTED,
              ConnectionStatus.State.DISCONNECTED);
      List<SessionHistory.Entry> history = node.history(10);
      assertThat(history).hasSize(1);
      assertThat(history.getFirst().country()).isEqualTo("DE");
      assertThat(history.getFirst().provider()).isEqualTo(session.provider());
      assertThat(history.getFirst().bytesDown()).isGreaterThanOrEqualTo(PAGE.length);
    }
    assertThat(key.isDestroyed()).as("the node wiped the key it owned").isTrue();
  }

  @Test
  void sharingRunsOnTheNodesOneDatabaseAndAnotherNodeConnectsToIt() throws Exception {
    Path dir = temp.resolve("sharer");
    PrivateKey sharerKey = network.newIdentity(Myst.parse("1"), Myst.parse("0"));
    PrivateKey consumerKey = network.newIdentity(Myst.parse("3"), Myst.parse("1"));
    try (Node sharer = Node.start(network.nodeConfig(dir), sharerKey);
        Node consumer = Node.start(network.nodeConfig(temp.resolve("its-consumer")), consumerKey)) {
      ProviderNode.Config offer =
          LocalNetwork.providerConfig(
              new LocalNetwork.ProviderSpec("NL", 1136, "0.001"),
              ClearingPolicy.defaults(),
              ProviderNode.Offering.defaults(),
              Contact.parse("udp://127.0.0.1:0"));
      List<SharingStatus> statuses = new CopyOnWriteArrayList<>();
      Subscription sharingStatus = sharer.sharing().subscribe(statuses::add);
      var proposal = sharer.sharing().start(offer);
      assertThat(sharer.sharing().start(offer))
          .as("sharing again keeps the offer")
          .isEqualTo(proposal);
      assertThat(sharer.sharing().sharing()).isTrue();
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".db")))
            .containsExactly("node.db");
      }
      assertThat(proposal.contacts())
          .as("one port: the node's dialogues carry the provider's sessions too")
          .containsExactly("udp://127.0.0.1:" + sharer.contact().address().getPort());
      List<List<network.mysterium.discovery.ProposalIndex.Listing>> seen =
          new CopyOnWriteArrayList<>();
      Subscription watching =
          consumer.subscribeProposals(
              ProposalFilter.of(ServiceTypes.SOCKS5, "NL"), Duration.ofMillis(200), seen::add);
      await(() -> !seen.isEmpty(), "the watched search's first answer");
      var found = consumer.proposals(ProposalFilter.of(ServiceTypes.SOCKS5, "NL"));
      assertThat(found).extracting(l -> l.proposal().provider()).containsExactly(sharer.address());
      assertThat(seen.getLast())
          .extracting(l -> l.proposal().provider())
          .containsExactly(sharer.address());
      consumer.prefer(sharer.address()); // the star changes the answer: told once more
      await(() -> seen.getLast().getFirst().preferred(), "the starred proposal told");
      int told = seen.size();
      Thread.sleep(600); // three more checks with nothing changed (a bounded wait for nothing)
      assertThat(seen).as("an unchanged answer is not told again").hasSize(told);
      watching.close();
      consumer.connect("NL", ConnectionOptions.socks5(), SessionEvents.none());
      await(() -> sharer.sharing().sessions().size() == 1, "the consumer's session at the sharer");
      assertThat(sharer.sharing().earnings().activeSessions()).isEqualTo(1);
      consumer.disconnect();
      await(() -> statuses.getLast().sessions() == 0, "the session's end told");
      sharer.sharing().stop();
      assertThat(sharer.sharing().sharing()).isFalse();
      assertThat(sharer.sharing().sessions()).isEmpty();
      sharingStatus.close();
      assertThat(statuses)
          .extracting(SharingStatus::sharing, SharingStatus::sessions)
          .containsSubsequence(
              org.assertj.core.groups.Tuple.tuple(false, 0),
              org.assertj.core.groups.Tuple.tuple(true, 0),
              org.assertj.core.groups.Tuple.tuple(true, 1),
              org.assertj.core.groups.Tuple.tuple(true, 0),
              org.assertj.core.groups.Tuple.tuple(false, 0));

      // the second time: sharing again on the same node, the same port, and a consumer served
      sharer.sharing().start(offer);
      consumer.connect("NL", ConnectionOptions.socks5(), SessionEvents.none());
      await(() -> sharer.sharing().sessions().size() == 1, "a session after sharing again");
      consumer.disconnect();
      sharer.sharing().stop();
    }
  }

  @Test
  void aWalletPreviewSendsNothingUntilConfirmedAndOnlyOnce() throws Exception {
    PrivateKey key = network.newIdentity(Myst.parse("3"), Myst.parse("0"));
    try (Node node = Node.start(network.nodeConfig(temp.resolve("wallet")), key)) {
      NodeWallet wallet = node.wallet();
      Myst before = wallet.balances().paymentsAccount();
      List<Funds> told = new CopyOnWriteArrayList<>();
      Subscription funds = node.subscribeFunds(told::add);
      await(() -> !told.isEmpty(), "the funds as they are");
      assertThat(told.getLast().balances().paymentsAccount()).isEqualTo(before);
      NodeWallet.Preview preview = wallet.previewDeposit("0.5");
      assertThat(preview.maxFeeWei()).isPositive();
      assertThat(wallet.balances().paymentsAccount())
          .as("a preview sends nothing")
          .isEqualTo(before);
      while (true) {
        wallet.confirm(preview.id());
        String used = preview.id();
        assertThatThrownBy(() -> wallet.confirm(used))
            .isInstanceOfSatisfying(
                NodeException.class,
                e -> assertThat(e.code()).isEqualTo(NodeException.Code.UNKNOWN_PREVIEW));
        if (preview.last()) {
          break;
        }
        preview = wallet.previewDeposit("0.5");
      }
      assertThat(wallet.balances().paymentsAccount()).isEqualTo(before.plus(Myst.parse("0.5")));
      await(
          () -> told.getLast().balances().paymentsAccount().equals(before.plus(Myst.parse("0.5"))),
          "the deposit told to the funds' subscriber");
      funds.close();
      assertThat(code(() -> wallet.previewDeposit("half")))
          .isEqualTo(NodeException.Code.INVALID_AMOUNT);
      assertThat(code(() -> wallet.previewDeposit("-1")))
          .isEqualTo(NodeException.Code.INVALID_AMOUNT);
      assertThat(code(() -> wallet.previewDeposit("1000")))
          .isEqualTo(NodeException.Code.INSUFFICIENT_FUNDS);
      assertThat(code(() -> wallet.previewWithdrawal("0x12", "0.1")))
          .isEqualTo(NodeException.Code.INVALID_ADDRESS);
      assertThat(code(wallet::previewRegistration))
          .isEqualTo(NodeException.Code.ALREADY_REGISTERED);
    }
  }

  @Test
  void aNodeThatCannotStartSaysWhyAndWipesTheKey() throws Exception {
    PrivateKey key = PrivateKey.generate(new java.security.SecureRandom());
    NodeConfig config =
        network
            .nodeConfig(temp.resolve("nowhere"))
            .withDeploymentFile(temp.resolve("missing.json"));
    assertThatThrownBy(() -> Node.start(config, key))
        .isInstanceOfSatisfying(
            NodeException.class,
            e -> assertThat(e.code()).isEqualTo(NodeException.Code.NO_DEPLOYMENT));
    assertThat(key.isDestroyed()).isTrue();
  }

  @Test
  void oneNodePerDataDirectoryTheSecondIsRefusedUntilTheFirstStops() throws Exception {
    Path dir = temp.resolve("one-node");
    PrivateKey first = network.newIdentity(Myst.parse("1"), Myst.parse("0"));
    PrivateKey second = PrivateKey.of(first.toBytes());
    try (Node node = Node.start(network.nodeConfig(dir), first)) {
      assertThatThrownBy(() -> Node.start(network.nodeConfig(dir), second))
          .isInstanceOfSatisfying(
              NodeException.class,
              e -> assertThat(e.code()).isEqualTo(NodeException.Code.DATA_DIR_IN_USE));
      assertThat(second.isDestroyed()).isTrue();
      assertThat(node.status().state()).isEqualTo(ConnectionStatus.State.DISCONNECTED);
    }
    PrivateKey again = network.newIdentity(Myst.parse("1"), Myst.parse("0"));
    try (Node node = Node.start(network.nodeConfig(dir), again)) {
      assertThat(node.address()).isEqualTo(again.address());
    }
  }

  private interface Call {
    Object run() throws Exception;
  }

  private static NodeException.Code code(Call call) {
    try {
      call.run();
    } catch (NodeException e) {
      return e.code();
    } catch (Exception e) {
      throw new AssertionError("not a NodeException", e);
    }
    throw new AssertionError("no failure");
  }

  private static long fetch(InetSocketAddress socks) throws Exception {
    try (Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, socks))) {
      socket.connect(
          InetSocketAddress.createUnresolved("localhost", web.getAddress().getPort()), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return in.readAllBytes().length;
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50); // polling the awaited condition
    }
  }
}
