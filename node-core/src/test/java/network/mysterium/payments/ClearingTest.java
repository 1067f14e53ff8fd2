package network.mysterium.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import network.mysterium.chain.ChainWallet;
import network.mysterium.chain.TestContracts;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * The provider's clearing (issue 16 item 1, D1): the held serial is frozen and the consumer told
 * first; the clearing goes to the chain only once the consumer acknowledged, or its dialogue is
 * gone, or it stayed silent past the wait; and the policy clears by age as well as by value. The
 * ledgers are real SQLite files, the contract is on anvil, and the chain's lastClearedSerial is the
 * judge.
 */
@ExtendWith(AnvilExtension.class)
class ClearingTest {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final ReceivedPromises.Policy POLICY =
      new ReceivedPromises.Policy(Myst.parse("0.001"), Myst.parse("5"));
  private static final ClearingPolicy NEVER_BY_POLICY =
      new ClearingPolicy(Myst.parse("1000"), Duration.ofDays(1), Duration.ofHours(1));
  @TempDir Path temp;
  private final SecureRandom random = new SecureRandom();
  private EthereumClient client;
  private Deployment deployment;
  private Promises promises;
  private PrivateKey consumer;
  private PrivateKey provider;
  private Database consumerDb;
  private Database providerDb;
  private IssuedPromises issued;
  private ReceivedPromises received;
  private PaymentsContract payments;
  private Clearing clearing;

  @BeforeEach
  void setUp(Anvil anvil) throws Exception {
    client = EthereumClient.connect(anvil.rpcUrl());
    Credentials deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
    deployment = TestContracts.deploy(client, deployer);
    promises = Promises.of(deployment);
    consumer = PrivateKey.generate(random);
    provider = PrivateKey.generate(random);
    for (PrivateKey key : new PrivateKey[] {consumer, provider}) {
      anvil.setBalance(key.address().toString(), ETHER.multiply(BigInteger.TEN));
    }
    new MystTokenContract(client, deployment.token())
        .transfer(deployer, consumer.address().toString(), ETHER.multiply(BigInteger.TEN));
    new ChainWallet(client, deployment).deposit(consumer, consumer.address(), Myst.parse("1"));
    consumerDb = Database.open(temp.resolve("consumer.db"));
    providerDb = Database.open(temp.resolve("provider.db"));
    issued = new IssuedPromises(consumerDb, promises, consumer, Clock.systemUTC());
    received = new ReceivedPromises(providerDb, promises, provider.address(), Clock.systemUTC());
    payments = new PaymentsContract(client, deployment.payments());
  }

  @AfterEach
  void tearDown() {
    if (clearing != null) {
      clearing.close();
    }
    consumerDb.close();
    providerDb.close();
    client.close();
    consumer.destroy();
    provider.destroy();
  }

  private Clearing clearing(ClearingPolicy policy, Duration acknowledgedWithin) {
    clearing =
        new Clearing(
            received,
            new PromiseClearer(received, client, deployment, provider),
            policy,
            acknowledgedWithin,
            (issuer, cleared, deferred) -> {},
            () -> Set.of(),
            () -> false);
    return clearing;
  }

  private void pay(String myst) throws Exception {
    received.accept(issued.pay(provider.address(), Myst.parse(myst)), POLICY);
  }

  private long clearedOnChain() throws Exception {
    return payments
        .lastClearedSerial(consumer.address().toString(), provider.address().toString())
        .longValueExact();
  }

  @Test
  void theClearingWaitsForTheConsumersAcknowledgementOfTheNotice() throws Exception {
    CompletableFuture<Object> acknowledged = new CompletableFuture<>();
    CountDownLatch told = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger notices =
        new java.util.concurrent.atomic.AtomicInteger();
    Clearing clearing = clearing(NEVER_BY_POLICY, Duration.ofSeconds(60));
    // started before anything is held: a start clears what a restart left held, nothing here
    clearing.start(
        who -> {
          assertThat(who).isEqualTo(consumer.address());
          notices.incrementAndGet();
          told.countDown();
          return Optional.of(acknowledged);
        });
    pay("0.05");
    CompletableFuture<PromiseClearer.Result> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return clearing.clearNow(consumer.address());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(told.await(20, TimeUnit.SECONDS)).isTrue();
    // told, not yet acknowledged: the serial is closed to updates and nothing goes to the chain
    assertThatThrownBy(() -> pay("0.01"))
        .isInstanceOfSatisfying(
            PromiseRefusedException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(PromiseRefusedException.Reason.UPDATE_AFTER_NEW_SERIAL_REQUESTED));
    // a deliberate window in which nothing may happen: an eager clearing takes well under a second
    Thread.sleep(1500);
    assertThat(result).isNotDone();
    assertThat(clearedOnChain()).isZero();

    long acknowledgedAt = System.nanoTime();
    acknowledged.complete(null);
    PromiseClearer.Result done = result.get(30, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - acknowledgedAt))
        .as("it went ahead at the acknowledgement, not at the 60 s wait")
        .isLessThan(Duration.ofSeconds(30));
    assertThat(done.cleared()).extracting(Promise::serial).containsExactly(1L);
    assertThat(clearedOnChain()).isEqualTo(1);
    assertThat(notices).hasValue(1);
  }

  @Test
  void aConsumerWithoutADialogueIsClearedAtOnceAndASilentOneAfterTheWait() throws Exception {
    Clearing gone = clearing(NEVER_BY_POLICY, Duration.ofSeconds(60));
    gone.start(who -> Optional.empty());
    pay("0.05");
    long start = System.nanoTime();
    assertThat(gone.clearNow(consumer.address()).cleared())
        .extracting(Promise::serial)
        .containsExactly(1L);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(clearedOnChain()).isEqualTo(1);
    gone.close();

    // the consumer moves to the next serial; now its dialogue is open but it never acknowledges
    Clearing silent = clearing(NEVER_BY_POLICY, Duration.ofMillis(500));
    silent.start(who -> Optional.of(new CompletableFuture<>()));
    issued.newSerialRequested(provider.address());
    pay("0.02");
    start = System.nanoTime();
    assertThat(silent.clearNow(consumer.address()).cleared())
        .extracting(Promise::serial)
        .containsExactly(2L);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("waited for the acknowledgement that never came")
        .isGreaterThanOrEqualTo(Duration.ofMillis(500));
    assertThat(clearedOnChain()).isEqualTo(2);
  }

  @Test
  void promisesOlderThanThePolicysAgeAreClearedWithoutASessionEnd() throws Exception {
    Clearing byAge =
        clearing(
            new ClearingPolicy(Myst.parse("1000"), Duration.ofMillis(300), Duration.ofMillis(100)),
            Duration.ofSeconds(5));
    byAge.start(who -> Optional.empty()); // before the payment: not the start's own clearing
    pay("0.01"); // far below the value threshold, and no session ends
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (clearedOnChain() == 0) {
      assertThat(System.nanoTime()).as("cleared by age within 30 s").isLessThan(deadline);
      Thread.sleep(50); // polling the chain
    }
    assertThat(clearedOnChain()).isEqualTo(1);
    long awaited = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!received.held(consumer.address()).isEmpty()) {
      assertThat(System.nanoTime()).as("ledger updated within 10 s").isLessThan(awaited);
      Thread.sleep(20);
    }
    assertThat(received.lastCleared(consumer.address())).isEqualTo(1);
    assertThat(List.copyOf(received.held(consumer.address()))).isEmpty();
  }
}
