package network.mysterium.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import network.mysterium.chain.ChainWallet;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.conversation.Conversation;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ConsumerAccounts;
import network.mysterium.payments.IssuedPromises;
import network.mysterium.payments.Promise;
import network.mysterium.payments.PromiseClearer;
import network.mysterium.payments.Promises;
import network.mysterium.payments.ReceivedPromises;
import network.mysterium.service.PinnedTls;
import network.mysterium.service.socks.Socks5Backend;
import network.mysterium.service.socks.Socks5Client;
import network.mysterium.service.socks.Socks5Exit;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * A paid SOCKS5 session end to end: dialogue over UDP, promises in SQLite ledgers, metering, curl
 * through the proxy, and clearing through the Payments contract on anvil.
 */
@ExtendWith(AnvilExtension.class)
class PaidSocksSessionTest {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final int FEE_BASIS_POINTS = 100;
  private static final byte[] PAGE =
      "0123456789abcdef".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII); // 1 MiB

  @TempDir Path temp;
  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> directory = new ConcurrentHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<String> providerLog = new CopyOnWriteArrayList<>();
  private final List<List<Promise>> clearings = new CopyOnWriteArrayList<>();
  private EthereumClient client;
  private Deployment deployment;
  private Promises promises;
  private PrivateKey consumer;
  private PrivateKey provider;
  private HttpServer web;
  private ProviderSessions sessions;
  private ReceivedPromises received;
  private ConsumerAccounts accounts;
  private IssuedPromises issued;
  private Dialogues consumerNode;
  private Dialogues providerNode;
  private ServiceProposal proposal;
  private long bandwidthKbps = 100_000;

  @BeforeEach
  void setUp(Anvil anvil) throws Exception {
    client = EthereumClient.connect(anvil.rpcUrl());
    Credentials deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
    deployment =
        Deployer.deploy(
            client,
            deployer,
            new Deployer.Parameters(
                ETHER.multiply(BigInteger.valueOf(1_000_000)),
                ETHER,
                deployer.getAddress(),
                FEE_BASIS_POINTS));
    promises = Promises.of(deployment);
    consumer = key();
    provider = key();
    for (PrivateKey k : List.of(consumer, provider)) {
      anvil.setBalance(k.address().toString(), ETHER.multiply(BigInteger.TEN));
    }
    new MystTokenContract(client, deployment.token())
        .transfer(deployer, consumer.address().toString(), ETHER.multiply(BigInteger.TEN));
    new ChainWallet(client, deployment).deposit(consumer, consumer.address(), Myst.parse("2"));

    web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, PAGE.length);
          exchange.getResponseBody().write(PAGE);
          exchange.close();
        });
    web.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    web.stop(0);
    client.close();
  }

  private PrivateKey key() {
    PrivateKey key = PrivateKey.generate(random);
    directory.put(key.address(), key.publicKey());
    resources.add(key);
    return key;
  }

  private Dialogues node(PrivateKey key, java.util.function.Function<Address, Conversation> conv)
      throws Exception {
    Messenger messenger =
        new Messenger(
            key,
            identity -> Optional.ofNullable(directory.get(identity)),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    Dialogues dialogues =
        new Dialogues(
                messenger,
                Channels.listen(Contact.parse("udp://127.0.0.1:0")),
                DialogueConfig.DEFAULT,
                conv::apply)
            .start();
    resources.add(dialogues);
    return dialogues;
  }

  /** A provider selling SOCKS5 at {@code pricePerMb}, clearing when each session ends. */
  private void startProvider(String pricePerMb, Myst trial, Duration grace) throws Exception {
    Database providerDb = Database.open(temp.resolve("provider.db"));
    resources.add(providerDb);
    received = new ReceivedPromises(providerDb, promises, provider.address(), Clock.systemUTC());
    accounts = new ConsumerAccounts(providerDb, provider.address(), trial);
    PromiseClearer clearer = new PromiseClearer(received, client, deployment, provider);
    PaymentsContract payments = new PaymentsContract(client, deployment.payments());
    PinnedTls tls = PinnedTls.generate(random);
    ProviderSessions[] self = new ProviderSessions[1];
    Socks5Exit exit =
        Socks5Exit.start(
            tls,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            id -> self[0].meter(id),
            true);
    resources.add(exit);
    providerNode =
        node(
            provider,
            peer ->
                new Conversation(
                    self[0].addTo(Conversation.Services.none()),
                    (d, r) -> self[0].dialogueClosed(d, r)));
    proposal =
        new ServiceProposal(
            ServiceProposal.FORMAT_VERSION,
            provider.address(),
            1,
            "socks5",
            new ServiceProposal.Place("DE", 3320),
            new ServiceProposal.Place("DE", 3320),
            bandwidthKbps,
            ServiceProposal.Metering.PER_MEGABYTE,
            Myst.parse(pricePerMb),
            List.of(providerNode.contact().toString()));
    sessions =
        new ProviderSessions(
            new ProviderSessions.Terms(
                proposal, Myst.parse("0.05"), Myst.parse("1"), Duration.ofMillis(200), grace),
            promises,
            received,
            accounts,
            identity -> payments.balanceOf(identity.toString()),
            consumerAddress -> {
              try {
                received.freezeHeldSerial(consumerAddress);
                clearings.add(clearer.clear(consumerAddress).cleared());
              } catch (Exception e) {
                providerLog.add("clearing failed: " + e.getMessage());
              }
            },
            new SessionEvents() {
              @Override
              public void sessionClosed(
                  Address peer, String id, String reason, SessionEvents.Metering last) {
                providerLog.add("closed: " + reason);
              }
            });
    sessions.serve(new Socks5Backend("127.0.0.1", exit.address(), tls.certificateSha256()));
    self[0] = sessions;
    resources.add(sessions);
  }

  /** The consumer's ledger (a SQLite file) and its node on loopback. */
  private void startConsumer() throws Exception {
    Database consumerDb = Database.open(temp.resolve("consumer.db"));
    resources.add(consumerDb);
    issued = new IssuedPromises(consumerDb, promises, consumer, Clock.systemUTC());
    consumerNode = node(consumer, peer -> new Conversation(Conversation.Services.none()));
  }

  private ConsumerSession connect() throws Exception {
    startConsumer();
    ConsumerSession session =
        ConsumerSession.open(
            consumerNode,
            proposal,
            issued,
            Myst.parse("0.05"),
            SessionEvents.none(),
            Duration.ofSeconds(10));
    resources.add(session);
    return session;
  }

  private static String curl(InetSocketAddress socks, String url) throws Exception {
    return curl(socks, url, "%{size_download}");
  }

  private static String curl(InetSocketAddress socks, String url, String format) throws Exception {
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--socks5-hostname",
                "127.0.0.1:" + socks.getPort(),
                "-o",
                "/dev/null",
                "-w",
                format,
                url)
            .start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return p.exitValue() == 0 ? out : "curl failed: " + err;
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aConsumerPaysUsesAndDisconnectsAndTheProviderClearsExactlyWhatWasPromised()
      throws Exception {
    startProvider("0.02", Myst.parse("0"), Duration.ofSeconds(2));
    PaymentsContract payments = new PaymentsContract(client, deployment.payments());
    BigInteger consumerBefore = payments.balanceOf(consumer.address().toString());

    ConsumerSession session = connect();
    String url = "http://localhost:" + web.getAddress().getPort() + "/";
    for (int i = 0; i < 3; i++) {
      assertThat(curl(session.socksAddress(), url)).isEqualTo(Integer.toString(PAGE.length));
    }
    // a metering tick after the traffic
    await(
        () ->
            session.lastMetering() != null
                && session.lastMetering().bytesToConsumer() >= 3L * PAGE.length);
    assertThat(session.lastMetering().bytesToConsumer()).isGreaterThanOrEqualTo(3L * PAGE.length);
    session.close();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (clearings.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(providerLog).anyMatch(l -> l.startsWith("closed: closed by the consumer"));
    assertThat(clearings).hasSize(1);
    BigInteger promised =
        clearings.getFirst().stream()
            .map(p -> p.amount().baseUnits())
            .reduce(BigInteger.ZERO, BigInteger::add);
    BigInteger fee =
        promised.multiply(BigInteger.valueOf(FEE_BASIS_POINTS)).divide(BigInteger.valueOf(10_000));
    // on chain, to the base unit: the consumer paid what it promised, the provider got it less the
    // fee
    assertThat(payments.balanceOf(provider.address().toString())).isEqualTo(promised.subtract(fee));
    assertThat(consumerBefore.subtract(payments.balanceOf(consumer.address().toString())))
        .isEqualTo(promised);
    assertThat(issued.totalPromised(provider.address()).baseUnits()).isEqualTo(promised);
    // the metered cost (3 MiB and a little at 0.02 MYST per MB) was paid in advance; what is
    // left stays as the consumer's credit with this provider
    BigInteger cost = accounts.consumed(consumer.address());
    assertThat(cost)
        .isGreaterThanOrEqualTo(
            Myst.parse("0.02")
                .baseUnits()
                .multiply(BigInteger.valueOf(3L * PAGE.length))
                .divide(BigInteger.valueOf(1_000_000)));
    assertThat(accounts.leftover(consumer.address())).isEqualTo(promised.subtract(cost));
    assertThat(accounts.leftover(consumer.address())).isNotNegative();
  }

  @Test
  void twoSessionsShareOneDialogueAndEachIsMeteredAndClosedOnItsOwn() throws Exception {
    startProvider("0.02", Myst.parse("0"), Duration.ofSeconds(2));
    startConsumer();
    ProviderLink link =
        ProviderLink.open(
            consumerNode,
            provider.address(),
            ConsumerSession.contactOf(proposal),
            issued,
            Myst.parse("0.05"),
            Duration.ofSeconds(10));
    InetSocketAddress anyPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    ConsumerSession first =
        ConsumerSession.open(link, proposal, SessionEvents.none(), new Socks5Client(anyPort));
    ConsumerSession second =
        ConsumerSession.open(link, proposal, SessionEvents.none(), new Socks5Client(anyPort));
    resources.add(second);
    assertThat(first.sessionId()).isNotEqualTo(second.sessionId());
    assertThat(sessions.openSessions())
        .containsExactlyInAnyOrder(first.sessionId(), second.sessionId());
    String url = "http://localhost:" + web.getAddress().getPort() + "/";
    assertThat(curl(first.socksAddress(), url)).isEqualTo(Integer.toString(PAGE.length));
    assertThat(curl(second.socksAddress(), url)).isEqualTo(Integer.toString(PAGE.length));
    // what the provider's user sees: both sessions, each with the page's bytes metered
    assertThat(sessions.active())
        .extracting(ProviderSessions.ActiveSession::id)
        .containsExactlyInAnyOrder(first.sessionId(), second.sessionId());
    assertThat(sessions.active())
        .allSatisfy(
            a -> {
              assertThat(a.bytesToConsumer()).isGreaterThanOrEqualTo(PAGE.length);
              assertThat(a.bytesFromConsumer()).isPositive();
            });

    first.close();
    assertThat(first.lastMetering().last()).isTrue();
    assertThat(sessions.openSessions()).containsExactly(second.sessionId());
    assertThat(link.isOpen()).isTrue();
    assertThat(curl(second.socksAddress(), url)).isEqualTo(Integer.toString(PAGE.length));
    await(
        () ->
            second.lastMetering() != null
                && second.lastMetering().bytesToConsumer() >= 2L * PAGE.length);
    assertThat(second.lastMetering().sessionId()).isEqualTo(second.sessionId());
    assertThat(second.lastMetering().bytesToConsumer()).isGreaterThanOrEqualTo(2L * PAGE.length);

    second.close();
    assertThat(link.isOpen()).isFalse(); // the dialogue ends with its last session
  }

  @Test
  void whenTheLeftoverRunsOutAndIsNotTopedUpTheProviderStopsTheSession() throws Exception {
    // a consumer that pays once and never again: the provider's trial is zero, the step tiny
    startProvider("0.5", Myst.parse("0"), Duration.ofMillis(400));
    startConsumer();
    // a local copy of a refusing consumer: exhaust the balance so top-ups are refused
    ConsumerSession session =
        ConsumerSession.open(
            consumerNode,
            proposal,
            issued,
            Myst.parse("0.05"),
            SessionEvents.none(),
            Duration.ofSeconds(10));
    resources.add(session);
    ChainWallet wallet = new ChainWallet(client, deployment);
    wallet.requestWithdrawal(consumer, consumer.address(), Myst.parse("1.95"));
    client.advanceTimeOnDevChain(
        network.mysterium.contracts.Deployer.Parameters.LOCAL_WITHDRAWAL_NOTICE);
    wallet.completeWithdrawal(consumer);
    String url = "http://localhost:" + web.getAddress().getPort() + "/";
    curl(session.socksAddress(), url); // 1 MiB at 0.5 MYST/MB: far beyond 0.05 paid
    String reason = session.closedByProvider().get(20, TimeUnit.SECONDS);
    assertThat(reason).isEqualTo("leftover exhausted");
    assertThat(sessions.openSessions()).isEmpty();
    assertThat(curl(session.socksAddress(), url)).startsWith("curl failed");
  }

  @Test
  void aSessionWithoutPaymentIsRefusedAndAProviderThatVanishesEndsTheSession() throws Exception {
    startProvider("0.02", Myst.parse("0"), Duration.ofSeconds(2));
    // a consumer that asks for a session without paying first (no trial here): refused
    PrivateKey freeRiderKey = key();
    Database freeRiderDb = Database.open(temp.resolve("free-rider.db"));
    resources.add(freeRiderDb);
    Dialogues unpaid = node(freeRiderKey, peer -> new Conversation(Conversation.Services.none()));
    ProviderLink freeRider =
        ProviderLink.open(
            unpaid,
            provider.address(),
            ConsumerSession.contactOf(proposal),
            new IssuedPromises(freeRiderDb, promises, freeRiderKey, Clock.systemUTC()),
            Myst.parse("0.05"),
            Duration.ofSeconds(10));
    assertThatThrownBy(
            () ->
                freeRider.ask(
                    network.mysterium.conversation.proto.Exchange.newBuilder()
                        .setSessionRequest(
                            network.mysterium.session.proto.SessionRequest.newBuilder()
                                .setServiceType("socks5")
                                .setProposalSerial(proposal.serial()))))
        .isInstanceOf(ConsumerSession.SessionFailedException.class)
        .hasMessageStartingWith("LEFTOVER_EXHAUSTED")
        // the code typed, for programs (the app says "balance too low" from it, not the text)
        .extracting(e -> ((ConsumerSession.SessionFailedException) e).refusalCode())
        .isEqualTo(SessionRefusal.LEFTOVER_EXHAUSTED.name());
    assertThat(sessions.openSessions()).isEmpty();
    freeRider.close();
    ConsumerSession session = connect();
    providerNode.close(); // the provider goes away
    assertThat(session.closedByProvider().get(60, TimeUnit.SECONDS)).contains("closed");
    assertThatThrownBy(
            () ->
                ConsumerSession.open(
                    consumerNode,
                    proposal,
                    issued,
                    Myst.parse("0.05"),
                    SessionEvents.none(),
                    Duration.ofSeconds(2)))
        .isInstanceOf(ConsumerSession.SessionFailedException.class);
  }

  @Test
  void aSessionAnnouncedAtTwoMegabitsASecondIsServedAtThatRateEachWay() throws Exception {
    bandwidthKbps = 2_000; // 250,000 bytes a second each way
    startProvider("0.001", Myst.parse("0"), Duration.ofSeconds(2));
    ConsumerSession session = connect();
    String url = "http://localhost:" + web.getAddress().getPort() + "/";
    // curl's own measure over the real sockets: bytes downloaded and seconds taken
    String[] measured =
        curl(session.socksAddress(), url, "%{size_download} %{time_total}").split(" ");
    long bytes = Long.parseLong(measured[0]);
    double seconds = Double.parseDouble(measured[1]);
    assertThat(bytes).isEqualTo(PAGE.length);
    double rate = bytes / seconds;
    // the burst (a quarter second) lets the first 62.5 kB pass at once: 1 MiB takes >= 3.9 s
    assertThat(rate).isLessThanOrEqualTo(250_000 * 1.10).isGreaterThanOrEqualTo(250_000 * 0.7);
  }

  @Test
  void aConsumerWithoutADepositIsServedFromTheFreeTrialAndOnlyFromIt() throws Exception {
    startProvider("0.5", Myst.parse("0.1"), Duration.ofMillis(400));
    PaymentsContract payments = new PaymentsContract(client, deployment.payments());
    PrivateKey newcomer = key(); // registered in the directory, nothing deposited
    Database db = Database.open(temp.resolve("newcomer.db"));
    resources.add(db);
    IssuedPromises ledger = new IssuedPromises(db, promises, newcomer, Clock.systemUTC());
    Dialogues node = node(newcomer, peer -> new Conversation(Conversation.Services.none()));

    ConsumerSession session =
        ConsumerSession.open(
            node,
            proposal,
            ledger,
            Myst.parse("0.05"),
            SessionEvents.none(),
            Duration.ofSeconds(10));
    resources.add(session);
    String url = "http://localhost:" + web.getAddress().getPort() + "/";
    curl(session.socksAddress(), url); // 1 MiB at 0.5 MYST/MB: five times the 0.1 trial

    assertThat(session.closedByProvider().get(20, TimeUnit.SECONDS))
        .isEqualTo("leftover exhausted");
    assertThat(accounts.leftover(newcomer.address())).isNotPositive();
    // the trial is once per consumer: the next session is refused, saying why
    assertThatThrownBy(
            () ->
                ConsumerSession.open(
                    node,
                    proposal,
                    ledger,
                    Myst.parse("0.05"),
                    SessionEvents.none(),
                    Duration.ofSeconds(10)))
        .isInstanceOf(ConsumerSession.SessionFailedException.class)
        .hasMessageContaining("LEFTOVER_EXHAUSTED");
    assertThat(payments.balanceOf(provider.address().toString())).isZero();
    assertThat(payments.balanceOf(newcomer.address().toString())).isZero();
  }

  @Test
  void aProviderIsReachedAtTheFirstOfItsContactsThatAnswers() throws Exception {
    startProvider("0.02", Myst.parse("0"), Duration.ofSeconds(2));
    startConsumer();
    try (java.nio.channels.DatagramChannel silent = java.nio.channels.DatagramChannel.open()) {
      silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)); // never answers
      int silentPort = ((InetSocketAddress) silent.getLocalAddress()).getPort();
      ServiceProposal twoContacts =
          new ServiceProposal(
              proposal.formatVersion(),
              proposal.provider(),
              proposal.serial(),
              proposal.serviceType(),
              proposal.providedFrom(),
              proposal.origin(),
              proposal.bandwidthKbps(),
              proposal.metering(),
              proposal.pricePerUnit(),
              List.of(
                  "tcp://127.0.0.1:" + silentPort, // another channel type: not for a UDP node
                  "udp://[::1]:" + silentPort, // IPv6: not from an IPv4 socket
                  "udp://127.0.0.1:" + silentPort,
                  providerNode.contact().toString()));
      assertThat(ConsumerSession.contactsOf(twoContacts, consumerNode.contact()))
          .extracting(Contact::toString)
          .containsExactly("udp://127.0.0.1:" + silentPort, providerNode.contact().toString());

      ConsumerSession session =
          ConsumerSession.open(
              consumerNode,
              twoContacts,
              issued,
              Myst.parse("0.05"),
              SessionEvents.none(),
              Duration.ofSeconds(10));
      resources.add(session);

      assertThat(session.link().contact()).isEqualTo(providerNode.contact());
      String url = "http://localhost:" + web.getAddress().getPort() + "/";
      assertThat(curl(session.socksAddress(), url)).isEqualTo(Integer.toString(PAGE.length));
      assertThat(session.link().isOpen()).isTrue();
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.holds()) {
      assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
