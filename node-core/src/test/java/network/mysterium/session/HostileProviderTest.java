package network.mysterium.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import network.mysterium.chain.ChainWallet;
import network.mysterium.contracts.ContractRevertException;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.conversation.proto.Refusal;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.IssuedPromises;
import network.mysterium.payments.PromiseMessages;
import network.mysterium.payments.Promises;
import network.mysterium.payments.SignedPromise;
import network.mysterium.payments.proto.PaymentAccepted;
import network.mysterium.payments.proto.PaymentAdvice;
import network.mysterium.payments.proto.PaymentRefused;
import network.mysterium.service.Meter;
import network.mysterium.service.ServiceClient;
import network.mysterium.session.proto.MeteringMessage;
import network.mysterium.session.proto.SessionAccepted;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * A hostile provider (issue 16 item 4, F2): a peer speaking the provider's protocol over a real
 * dialogue that overbills, floods advice, inflates the payment step and refuses raises while
 * keeping their signatures. Whatever it does, it can clear on chain at most one payment step more
 * than the consumer's ledger says was taken.
 */
@ExtendWith(AnvilExtension.class)
class HostileProviderTest {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final Myst STEP = Myst.parse("0.05");
  private static final Myst DEPOSIT = Myst.parse("2");

  /** What the hostile provider does once the session is confirmed. */
  private enum Attack {
    NONE,
    OVERBILL,
    INFLATE_ADVICE,
    REFUSE_RAISES
  }

  @TempDir Path temp;
  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> directory = new ConcurrentHashMap<>();
  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
  // the best signed promise per serial the hostile provider got: what it can clear
  private final Map<Long, SignedPromise> best = new ConcurrentHashMap<>();
  private final AtomicInteger proposalsSeen = new AtomicInteger();
  private EthereumClient client;
  private Deployment deployment;
  private PrivateKey consumer;
  private PrivateKey provider;
  private IssuedPromises issued;
  private Dialogues consumerNode;
  private ServiceProposal proposal;
  private Attack attack;

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
    consumer = key();
    provider = key();
    for (PrivateKey k : List.of(consumer, provider)) {
      anvil.setBalance(k.address().toString(), ETHER.multiply(BigInteger.TEN));
    }
    new MystTokenContract(client, deployment.token())
        .transfer(deployer, consumer.address().toString(), ETHER.multiply(BigInteger.TEN));
    new ChainWallet(client, deployment).deposit(consumer, consumer.address(), DEPOSIT);
    Database consumerDb = Database.open(temp.resolve("consumer.db"));
    resources.add(consumerDb);
    issued = new IssuedPromises(consumerDb, Promises.of(deployment), consumer, Clock.systemUTC());
    consumerNode = node(consumer, peer -> new Conversation(Conversation.Services.none()));
    Dialogues hostile = node(provider, peer -> new Conversation(hostileServices()));
    proposal =
        new ServiceProposal(
            ServiceProposal.FORMAT_VERSION,
            provider.address(),
            1,
            "socks5",
            new ServiceProposal.Place("DE", 3320),
            new ServiceProposal.Place("DE", 3320),
            100_000,
            ServiceProposal.Metering.PER_MEGABYTE,
            Myst.parse("0.01"),
            List.of(hostile.contact().toString()));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    client.close();
  }

  @Test
  void aProviderBillingMoreThanTheConsumerCountedIsLeftAndGetsAtMostOneStep() throws Exception {
    attack = Attack.OVERBILL;
    ConsumerSession session = open();
    assertThat(session.closedByProvider().get(20, TimeUnit.SECONDS)).startsWith("OVERBILLED");
    assertThat(session.endedBy()).isEqualTo(ConsumerSession.Failure.OVERBILLED);
    // the advice flood (leftover zero, fifty times) bought nothing: the consumer's own count
    // says what it paid is not used up
    assertAtMostOneStepLost();
  }

  @Test
  void adviceAboveTheConsumersStepIsRefusedAndTheSessionEnds() throws Exception {
    attack = Attack.INFLATE_ADVICE;
    ConsumerSession session = open();
    assertThat(session.closedByProvider().get(20, TimeUnit.SECONDS))
        .startsWith("ADVICE_ABOVE_STEP");
    assertThat(session.link().adviceRefused()).isPositive();
    assertThat(session.link().paymentStep()).isEqualTo(STEP);
    assertAtMostOneStepLost();
  }

  @Test
  void aProviderThatRefusesRaisesButKeepsTheirSignaturesGetsAtMostOneStepMore() throws Exception {
    attack = Attack.REFUSE_RAISES;
    ConsumerSession session = open();
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> session.pay(STEP))
          .isInstanceOf(ConsumerSession.SessionFailedException.class);
    }
    assertAtMostOneStepLost();
    session.close();
  }

  @Test
  void paymentsStopAtTheSpendingLimitWithItsReason() throws Exception {
    attack = Attack.NONE;
    limit = new SpendLimit(Myst.parse("0.1"), Myst.parse("0.15"));
    ConsumerSession session = open(); // 0.05 paid in advance
    session.pay(STEP); // 0.1: the session's limit reached, not passed
    assertThatThrownBy(() -> session.pay(STEP))
        .isInstanceOf(ConsumerSession.SessionFailedException.class)
        .extracting(e -> ((ConsumerSession.SessionFailedException) e).failure())
        .isEqualTo(ConsumerSession.Failure.SPEND_LIMIT);
    assertThat(session.spent()).isEqualTo(Myst.parse("0.1"));
    assertThat(issued.totalPromised(provider.address())).isEqualTo(Myst.parse("0.1"));
    session.close();
  }

  private SpendLimit limit = SpendLimit.defaults();

  private ConsumerSession open() throws Exception {
    ProviderLink link =
        ProviderLink.open(
            consumerNode,
            provider.address(),
            List.of(ConsumerSession.contactOf(proposal)),
            issued,
            STEP,
            Duration.ofSeconds(5),
            ClearedSerials.of(new PaymentsContract(client, deployment.payments())),
            limit);
    ConsumerSession session =
        ConsumerSession.open(link, proposal, SessionEvents.none(), new NoTraffic());
    resources.add(session);
    return session;
  }

  /**
   * The hostile provider clears on chain every best promise it holds; the consumer's balance falls
   * by at most its ledger's total plus one step, and the ledger's total is what was taken.
   */
  private void assertAtMostOneStepLost() throws Exception {
    PaymentsContract payments = new PaymentsContract(client, deployment.payments());
    Promises promises = Promises.of(deployment);
    Credentials sender = network.mysterium.chain.ChainAccounts.credentials(provider);
    for (SignedPromise held :
        best.values().stream().sorted((a, b) -> Long.compare(serial(a), serial(b))).toList()) {
      try {
        payments.clearPromise(
            sender,
            held.promise().issuer().toString(),
            held.promise().benefiter().toString(),
            BigInteger.valueOf(serial(held)),
            held.promise().amount().baseUnits(),
            false,
            held.signature().toBytes(),
            promises.signClearing(held.promise(), false, provider).toBytes());
      } catch (ContractRevertException e) {
        // a serial at or below one cleared: the contract keeps it from being paid twice
      }
    }
    BigInteger lost =
        DEPOSIT.baseUnits().subtract(payments.balanceOf(consumer.address().toString()));
    BigInteger taken = issued.totalPromised(provider.address()).baseUnits();
    assertThat(taken).isEqualTo(STEP.baseUnits()); // only the payment in advance was taken
    assertThat(lost).isLessThanOrEqualTo(taken.add(STEP.baseUnits()));
  }

  private static long serial(SignedPromise p) {
    return p.promise().serial();
  }

  private Conversation.Services hostileServices() {
    return Conversation.Services.none()
        .with(Exchange.BodyCase.PAYMENT_PROPOSAL, this::onPayment)
        .with(
            Exchange.BodyCase.SESSION_REQUEST,
            (d, m) -> {
              byte[] id = new byte[16];
              random.nextBytes(id);
              return Exchange.newBuilder()
                  .setSessionAccepted(
                      SessionAccepted.newBuilder().setSessionId(ByteString.copyFrom(id)));
            })
        .with(
            Exchange.BodyCase.SESSION_CONFIRMATION,
            (d, m) -> {
              byte[] id = m.getSessionConfirmation().getSessionId().toByteArray();
              Thread.ofVirtual().start(() -> misbehave(d, id));
              return null;
            });
  }

  private Exchange.Builder onPayment(Dialogue d, Exchange m) throws Conversation.RefusedException {
    SignedPromise signed = PromiseMessages.decode(m.getPaymentProposal().getPromise());
    best.merge(
        serial(signed),
        signed,
        (a, b) -> a.promise().amount().compareTo(b.promise().amount()) >= 0 ? a : b);
    if (attack == Attack.REFUSE_RAISES && proposalsSeen.getAndIncrement() > 0) {
      // kept, but refused as if the serial were closed: a second step for the same service
      throw new Conversation.RefusedException(
          Refusal.newBuilder()
              .setReason("UPDATE_AFTER_NEW_SERIAL_REQUESTED: send the next serial")
              .setPayment(
                  PaymentRefused.newBuilder()
                      .setReason(PaymentRefused.Reason.UPDATE_AFTER_NEW_SERIAL_REQUESTED)
                      .setHeldSerial(serial(signed)))
              .build());
    }
    return Exchange.newBuilder()
        .setPaymentAccepted(
            PaymentAccepted.newBuilder().setLeftover(PromiseMessages.amount(BigInteger.ZERO)));
  }

  private void misbehave(Dialogue d, byte[] sessionId) {
    switch (attack) {
      case OVERBILL -> {
        for (int i = 0; i < 50; i++) {
          advise(d, BigInteger.ZERO, STEP.baseUnits());
        }
        Conversation.notice(
            d,
            Exchange.newBuilder()
                .setMetering(
                    MeteringMessage.newBuilder()
                        .setSessionId(ByteString.copyFrom(sessionId))
                        .setCost(PromiseMessages.amount(Myst.parse("1").baseUnits()))
                        .setBytesToConsumer(100_000_000)
                        .setDurationMillis(1000)));
      }
      case INFLATE_ADVICE -> {
        for (int i = 0; i < 50; i++) {
          advise(d, BigInteger.ZERO, Myst.parse("10").baseUnits());
        }
      }
      case NONE, REFUSE_RAISES -> {}
    }
  }

  private static void advise(Dialogue d, BigInteger leftover, BigInteger minimum) {
    Conversation.notice(
        d,
        Exchange.newBuilder()
            .setPaymentAdvice(
                PaymentAdvice.newBuilder()
                    .setTrigger(PaymentAdvice.Trigger.LEFTOVER_EXHAUSTED)
                    .setLeftover(PromiseMessages.amount(leftover))
                    .setMinimumPromisedAmount(PromiseMessages.amount(minimum))));
  }

  /**
   * The consumer's data channel that carries nothing: what is billed here is checked against a
   * count of zero bytes (the test is about the bill, not the traffic).
   */
  private static final class NoTraffic implements ServiceClient {
    @Override
    public String serviceType() {
      return "socks5";
    }

    @Override
    public byte[] request() {
      return new byte[0];
    }

    @Override
    public void start(byte[] providerData, byte[] sessionId, Meter meter) {}

    @Override
    public String describe() {
      return "nothing";
    }

    @Override
    public void close() {}
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
}
