package network.mysterium.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ConsumerAccounts;
import network.mysterium.payments.Promise;
import network.mysterium.payments.PromiseMessages;
import network.mysterium.payments.Promises;
import network.mysterium.payments.ReceivedPromises;
import network.mysterium.payments.SignedPromise;
import network.mysterium.payments.proto.PaymentProposal;
import network.mysterium.service.ServiceBackend;
import network.mysterium.session.proto.MeteringMessage;
import network.mysterium.session.proto.SessionConfirmation;
import network.mysterium.session.proto.SessionRequest;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * The provider's session rules against consumers that misbehave, each speaking the session protocol
 * over real dialogues on loopback UDP, with the ledger in a SQLite file and balances and promise
 * signatures checked against the Payments contract on anvil.
 */
@ExtendWith(AnvilExtension.class)
class ProviderSessionsTest {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final long SERIAL = 7;

  @TempDir Path temp;
  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> directory = new ConcurrentHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Dialogue> providerDialogues = new CopyOnWriteArrayList<>();
  private final AtomicInteger balanceLookups = new AtomicInteger();
  private EthereumClient client;
  private Deployment deployment;
  private PrivateKey provider;
  private ConsumerAccounts accounts;
  private ProviderSessions sessions;
  private Dialogues providerNode;
  private ServiceProposal proposal;

  @BeforeEach
  void setUp(Anvil anvil) throws Exception {
    client = EthereumClient.connect(anvil.rpcUrl());
    Credentials deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
    deployment =
        Deployer.deploy(
            client,
            deployer,
            new Deployer.Parameters(
                ETHER.multiply(BigInteger.valueOf(1_000_000)), ETHER, deployer.getAddress(), 100));
    provider = key();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    client.close();
  }

  private PrivateKey key() {
    PrivateKey key = PrivateKey.generate(random);
    directory.put(key.address(), key.publicKey());
    resources.add(key);
    return key;
  }

  private Messenger messenger(PrivateKey key) {
    return new Messenger(
        key,
        identity -> Optional.ofNullable(directory.get(identity)),
        true,
        Duration.ofSeconds(30),
        Clock.systemUTC(),
        random);
  }

  /**
   * A provider whose every consumer has a trial leftover (so sessions need no payment), metering
   * every 20 ms, with a small send window and a long silence timeout so a silent consumer's
   * dialogue stays open with its window full.
   */
  private void startProvider(
      ServiceProposal.Metering metering, String price, int perConsumer, Duration deadline)
      throws Exception {
    Database db = Database.open(temp.resolve("provider.db"));
    resources.add(db);
    Promises rules = Promises.of(deployment);
    ReceivedPromises received =
        new ReceivedPromises(db, rules, provider.address(), Clock.systemUTC());
    accounts = new ConsumerAccounts(db, provider.address(), Myst.parse("1"));
    PaymentsContract payments = new PaymentsContract(client, deployment.payments());
    proposal =
        new ServiceProposal(
            ServiceProposal.FORMAT_VERSION,
            provider.address(),
            SERIAL,
            "socks5",
            new ServiceProposal.Place("DE", 3320),
            new ServiceProposal.Place("DE", 3320),
            100_000,
            metering,
            Myst.parse(price),
            List.of("udp://127.0.0.1:1"));
    ServiceBackend backend = (id, data, meter) -> new byte[0];
    sessions =
        new ProviderSessions(
            new ProviderSessions.Terms(
                proposal,
                Myst.parse("0.05"),
                Myst.parse("1"),
                Duration.ofMillis(20),
                Duration.ofSeconds(5),
                perConsumer,
                deadline),
            rules,
            received,
            accounts,
            identity -> {
              balanceLookups.incrementAndGet();
              return payments.balanceOf(identity.toString());
            },
            consumer -> {},
            SessionEvents.none());
    sessions.serve(backend);
    resources.add(sessions);
    Conversation.Services services = sessions.addTo(Conversation.Services.none());
    Conversation.Service requests = services.byKind().get(Exchange.BodyCase.SESSION_REQUEST);
    Conversation.Services recording =
        services.with(
            Exchange.BodyCase.SESSION_REQUEST,
            (d, m) -> {
              providerDialogues.add(d);
              return requests.handle(d, m);
            });
    providerNode =
        new Dialogues(
                messenger(provider),
                Channels.listen(Contact.parse("udp://127.0.0.1:0")),
                new DialogueConfig(
                    Duration.ofMillis(200), Duration.ofSeconds(60), Duration.ofSeconds(5), 4),
                peer -> new Conversation(recording, sessions::dialogueClosed))
            .start();
    resources.add(providerNode);
  }

  /** A consumer speaking the session protocol itself, recording what the provider tells it. */
  private final class RawConsumer implements AutoCloseable {
    final PrivateKey key;
    final Channel channel;
    final Dialogues node;
    final List<MeteringMessage> meterings = new CopyOnWriteArrayList<>();
    final List<ByteString> closed = new CopyOnWriteArrayList<>();
    final Conversation conversation;

    RawConsumer(PrivateKey key) throws Exception {
      this.key = key;
      this.channel = Channels.listen(Contact.parse("udp://127.0.0.1:0"));
      this.node =
          new Dialogues(
                  messenger(key),
                  channel,
                  DialogueConfig.DEFAULT,
                  peer -> new Conversation(Conversation.Services.none()))
              .start();
      this.conversation =
          new Conversation(
              Conversation.Services.none()
                  .with(
                      Exchange.BodyCase.METERING,
                      (d, m) -> {
                        meterings.add(m.getMetering());
                        return null;
                      })
                  .with(
                      Exchange.BodyCase.SESSION_CLOSE,
                      (d, m) -> {
                        closed.add(m.getSessionClose().getSessionId());
                        return null;
                      }));
      conversation.on(
          node.open(provider.address(), providerNode.contact(), conversation)
              .get(10, TimeUnit.SECONDS));
      resources.add(this);
    }

    /** Asks for a session under the given serial; its id, or the refusal. */
    ByteString request(long serial) throws Exception {
      try {
        return conversation
            .request(
                Exchange.newBuilder()
                    .setSessionRequest(
                        SessionRequest.newBuilder()
                            .setServiceType("socks5")
                            .setProposalSerial(serial)),
                Duration.ofSeconds(10))
            .get(15, TimeUnit.SECONDS)
            .getSessionAccepted()
            .getSessionId();
      } catch (ExecutionException e) {
        throw (Exception) e.getCause();
      }
    }

    void confirm(ByteString id) throws Exception {
      conversation
          .notify(
              Exchange.newBuilder()
                  .setSessionConfirmation(
                      SessionConfirmation.newBuilder().setSessionId(id).setSuccess(true)))
          .get(10, TimeUnit.SECONDS);
    }

    List<MeteringMessage> meteringOf(ByteString id) {
      return meterings.stream().filter(m -> m.getSessionId().equals(id)).toList();
    }

    /** Goes silent as a killed process does: nothing is read or acknowledged any more. */
    void silence() {
      channel.close();
    }

    @Override
    public void close() {
      node.close();
    }
  }

  private static void await(BooleanSupplier condition, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %s", within).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void aSilentConsumerStallsNeitherTheMeteringOfOthersNorShutdown() throws Exception {
    startProvider(ServiceProposal.Metering.PER_SECOND, "0.0001", 4, Duration.ofSeconds(30));
    RawConsumer silent = new RawConsumer(key());
    for (int i = 0; i < 2; i++) {
      silent.confirm(silent.request(SERIAL));
    }
    RawConsumer honest = new RawConsumer(key());
    ByteString id = honest.request(SERIAL);
    honest.confirm(id);
    silent.silence();
    // the silent consumer's window (4) fills with its metering within a few ticks; the provider's
    // metering of the honest consumer must go on regardless, for many ticks more
    // ten ticks: the silent consumer's two sessions have sent it 20 meterings by then, so its
    // window of 4 is full before counting
    int silenced = honest.meteringOf(id).size();
    await(() -> honest.meteringOf(id).size() >= silenced + 10, Duration.ofSeconds(5));
    int before = honest.meteringOf(id).size();
    await(() -> honest.meteringOf(id).size() >= before + 20, Duration.ofSeconds(5));

    long start = System.nanoTime();
    sessions.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    await(() -> honest.closed.contains(id), Duration.ofSeconds(5));
    assertThat(honest.meteringOf(id).getLast().getFinal()).isTrue();
  }

  @Test
  void meteringStartsAtConfirmationAndAnUnconfirmedSessionExpiresUnbilled() throws Exception {
    startProvider(ServiceProposal.Metering.PER_SECOND, "0.001", 4, Duration.ofMillis(600));
    RawConsumer consumer = new RawConsumer(key());
    ByteString unconfirmed = consumer.request(SERIAL);
    await(() -> consumer.closed.contains(unconfirmed), Duration.ofSeconds(5));
    assertThat(consumer.meteringOf(unconfirmed))
        .allSatisfy(m -> assertThat(PromiseMessages.amount(m.getCost())).isZero());
    assertThat(sessions.openSessions()).isEmpty();
    assertThat(accounts.consumed(consumer.key.address())).isZero();

    ByteString id = consumer.request(SERIAL);
    // a deliberate window (15 metering ticks) in which nothing may happen: accepted, not
    // confirmed, so nothing is metered yet
    Thread.sleep(300);
    assertThat(consumer.meteringOf(id)).isEmpty();
    long confirmedAt = System.nanoTime();
    consumer.confirm(id);
    await(() -> consumer.meteringOf(id).size() >= 10, Duration.ofSeconds(5));
    MeteringMessage m = consumer.meteringOf(id).getLast();
    long sinceConfirmation = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - confirmedAt);
    assertThat(m.getDurationMillis()).isPositive().isLessThanOrEqualTo(sinceConfirmation);
    // 0.001 MYST a second, counted from the confirmation (not from the acceptance 300 ms before)
    assertThat(PromiseMessages.amount(m.getCost()))
        .isEqualTo(
            Myst.parse("0.001")
                .baseUnits()
                .multiply(BigInteger.valueOf(m.getDurationMillis()))
                .divide(BigInteger.valueOf(1000)));
    assertThat(sessions.openSessions()).hasSize(1); // confirmed: no expiry
  }

  @Test
  void aConsumerHoldsAtMostItsShareOfSessions() throws Exception {
    startProvider(ServiceProposal.Metering.PER_MEGABYTE, "0.01", 2, Duration.ofSeconds(30));
    RawConsumer greedy = new RawConsumer(key());
    greedy.request(SERIAL);
    greedy.request(SERIAL);
    assertThatThrownBy(() -> greedy.request(SERIAL))
        .isInstanceOfSatisfying(
            Conversation.RefusedException.class,
            e -> assertThat(SessionRefusal.of(e)).contains(SessionRefusal.TOO_MANY_SESSIONS));
    RawConsumer other = new RawConsumer(key());
    assertThat(other.request(SERIAL).size()).isEqualTo(16);
  }

  @Test
  void aRequestUnderAnotherProposalSerialIsRefusedWithTheCurrentOne() throws Exception {
    startProvider(ServiceProposal.Metering.PER_MEGABYTE, "0.01", 4, Duration.ofSeconds(30));
    RawConsumer consumer = new RawConsumer(key());
    for (long stale : List.of(SERIAL - 1, 0L, SERIAL + 1)) {
      assertThatThrownBy(() -> consumer.request(stale))
          .isInstanceOfSatisfying(
              Conversation.RefusedException.class,
              e -> {
                assertThat(SessionRefusal.of(e)).contains(SessionRefusal.PROPOSAL_OUTDATED);
                assertThat(e.getMessage()).contains("serial " + SERIAL);
              });
    }
    assertThat(consumer.request(SERIAL).size()).isEqualTo(16);
    // re-announced with a new serial: the old one no longer opens sessions
    sessions.announced(
        new ServiceProposal(
            proposal.formatVersion(),
            proposal.provider(),
            SERIAL + 1,
            proposal.serviceType(),
            proposal.providedFrom(),
            proposal.origin(),
            proposal.bandwidthKbps(),
            proposal.metering(),
            Myst.parse("0.02"),
            proposal.contacts()));
    assertThatThrownBy(() -> consumer.request(SERIAL))
        .isInstanceOf(Conversation.RefusedException.class);
    assertThat(consumer.request(SERIAL + 1).size()).isEqualTo(16);
  }

  @Test
  void theLateCloseOfAReplacedDialogueLeavesTheNewDialoguesSessionsOpen() throws Exception {
    startProvider(ServiceProposal.Metering.PER_MEGABYTE, "0.01", 4, Duration.ofSeconds(30));
    PrivateKey same = key();
    RawConsumer first = new RawConsumer(same);
    first.confirm(first.request(SERIAL));
    Dialogue replaced = providerDialogues.getLast();
    RawConsumer second = new RawConsumer(same); // the consumer came back on a new dialogue
    ByteString id = second.request(SERIAL);
    second.confirm(id);
    assertThat(providerDialogues.getLast()).isNotSameAs(replaced);
    // the old dialogue's close arrives late, after the new session opened
    sessions.dialogueClosed(replaced, "replaced");
    assertThat(sessions.openSessions())
        .containsExactly(java.util.HexFormat.of().formatHex(id.toByteArray()));
  }

  @Test
  void aPromiseNotSignedByItsIssuerIsRefusedBeforeAnyBalanceLookup() throws Exception {
    startProvider(ServiceProposal.Metering.PER_MEGABYTE, "0.01", 4, Duration.ofSeconds(30));
    RawConsumer consumer = new RawConsumer(key());
    PrivateKey stranger = key();
    Promises rules = Promises.of(deployment);
    Promise promise = new Promise(consumer.key.address(), provider.address(), 1, Myst.parse("0.1"));
    SignedPromise forged =
        new SignedPromise(
            promise,
            rules
                .sign(
                    new Promise(stranger.address(), provider.address(), 1, Myst.parse("0.1")),
                    stranger)
                .signature());
    CompletableFuture<Exchange> answer =
        consumer.conversation.request(
            Exchange.newBuilder()
                .setPaymentProposal(
                    PaymentProposal.newBuilder().setPromise(PromiseMessages.encode(forged))),
            Duration.ofSeconds(10));
    assertThatThrownBy(() -> answer.get(15, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            Conversation.RefusedException.class,
            e -> assertThat(e.code()).isEqualTo("BAD_SIGNATURE"));
    assertThat(balanceLookups).hasValue(0);
  }

  @Test
  void anIdleSessionWritesNothingToTheLedger() throws Exception {
    startProvider(ServiceProposal.Metering.PER_MEGABYTE, "0.01", 4, Duration.ofSeconds(30));
    RawConsumer consumer = new RawConsumer(key());
    ByteString id = consumer.request(SERIAL);
    consumer.confirm(id);
    await(() -> consumer.meteringOf(id).size() >= 3, Duration.ofSeconds(5));
    Path wal = temp.resolve("provider.db-wal");
    long walBefore = Files.size(wal);
    var modifiedBefore = Files.getLastModifiedTime(wal);
    int ticks = consumer.meteringOf(id).size();
    await(() -> consumer.meteringOf(id).size() >= ticks + 25, Duration.ofSeconds(5));
    // 25 metering ticks of a session that carried nothing: no transaction reached the ledger file
    assertThat(Files.size(wal)).isEqualTo(walBefore);
    assertThat(Files.getLastModifiedTime(wal)).isEqualTo(modifiedBefore);
  }
}
