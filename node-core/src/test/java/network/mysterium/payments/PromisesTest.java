package network.mysterium.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.chain.ChainWallet;
import network.mysterium.chain.TestContracts;
import network.mysterium.contracts.ContractRevertException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.payments.PromiseRefusedException.Reason;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * Promises issued by a consumer's ledger, taken by a provider's ledger (each a real SQLite file),
 * and cleared through the Payments contract on anvil.
 */
@ExtendWith(AnvilExtension.class)
class PromisesTest {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final ReceivedPromises.Policy POLICY =
      new ReceivedPromises.Policy(Myst.parse("0.001"), Myst.parse("5"));
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
  private Anvil anvil;

  @BeforeEach
  void setUp(Anvil anvil) throws Exception {
    this.anvil = anvil;
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
    consumerDb = Database.open(temp.resolve("consumer.db"));
    providerDb = Database.open(temp.resolve("provider.db"));
    issued = new IssuedPromises(consumerDb, promises, consumer, Clock.systemUTC());
    received = new ReceivedPromises(providerDb, promises, provider.address(), Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    consumerDb.close();
    providerDb.close();
    client.close();
    consumer.destroy();
    provider.destroy();
  }

  private ReceivedPromises.Accepted pay(String myst) throws Exception {
    return received.accept(issued.pay(provider.address(), Myst.parse(myst)), POLICY);
  }

  @Test
  void paymentsRaiseOnePromiseUntilTheProviderAsksForANewSerial() throws Exception {
    assertThat(pay("0.01").increment()).isEqualTo(Myst.parse("0.01"));
    ReceivedPromises.Accepted second = pay("0.02");
    assertThat(second.promise().promise().serial()).isEqualTo(1);
    assertThat(second.promise().promise().amount()).isEqualTo(Myst.parse("0.03"));
    assertThat(second.increment()).isEqualTo(Myst.parse("0.02"));
    assertThat(second.uncleared()).isEqualTo(Myst.parse("0.03"));

    // the provider closes serial 1 to updates; an update is refused until the consumer moves on
    received.freezeHeldSerial(consumer.address());
    assertThatThrownBy(() -> pay("0.01"))
        .isInstanceOf(PromiseRefusedException.class)
        .extracting(e -> ((PromiseRefusedException) e).reason())
        .isEqualTo(Reason.UPDATE_AFTER_NEW_SERIAL_REQUESTED);
    issued.newSerialRequested(provider.address());
    ReceivedPromises.Accepted next = pay("0.005");
    assertThat(next.promise().promise().serial()).isEqualTo(2);
    assertThat(next.uncleared()).isEqualTo(Myst.parse("0.035")); // 0.03 (serial 1) + 0.005
    // the consumer counts the refused update too: it signed it, so the provider holds it
    assertThat(issued.totalPromised(provider.address())).isEqualTo(Myst.parse("0.045"));
  }

  @Test
  void aPromiseSignedHereIsClearedByTheContractToTheBaseUnit() throws Exception {
    new ChainWallet(client, deployment).deposit(consumer, consumer.address(), Myst.parse("1"));
    pay("0.25");
    pay("0.05");
    received.freezeHeldSerial(consumer.address()); // notify-before-clear
    SignedPromise held = received.held(consumer.address()).getFirst();
    PaymentsContract payments = new PaymentsContract(client, deployment.payments());

    payments.clearPromise(
        ChainAccounts.credentials(provider),
        held.promise().issuer().toString(),
        held.promise().benefiter().toString(),
        BigInteger.valueOf(held.promise().serial()),
        held.promise().amount().baseUnits(),
        false,
        held.signature().toBytes(),
        promises.signClearing(held.promise(), false, provider).toBytes());
    received.cleared(consumer.address(), held.promise().serial());

    BigInteger paid = Myst.parse("0.3").baseUnits();
    BigInteger fee = paid.multiply(BigInteger.valueOf(100)).divide(BigInteger.valueOf(10_000));
    assertThat(payments.balanceOf(provider.address().toString())).isEqualTo(paid.subtract(fee));
    assertThat(payments.balanceOf(consumer.address().toString()))
        .isEqualTo(Myst.parse("1").baseUnits().subtract(paid));
    assertThat(received.uncleared(consumer.address())).isEqualTo(Myst.ofBaseUnits(BigInteger.ZERO));

    // the cleared serial is gone for good: not again on chain, not again in the ledger
    assertThatThrownBy(
            () ->
                payments.clearPromise(
                    ChainAccounts.credentials(provider),
                    held.promise().issuer().toString(),
                    held.promise().benefiter().toString(),
                    BigInteger.valueOf(held.promise().serial()),
                    held.promise().amount().baseUnits(),
                    false,
                    held.signature().toBytes(),
                    promises.signClearing(held.promise(), false, provider).toBytes()))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("SerialNotAbove");
    assertThatThrownBy(() -> received.accept(held, POLICY))
        .extracting(e -> ((PromiseRefusedException) e).reason())
        .isEqualTo(Reason.SERIAL_ALREADY_CLEARED);
  }

  @Test
  void badPromisesAreRefusedWithTheirReasons() throws Exception {
    Promise first = new Promise(consumer.address(), provider.address(), 3, Myst.parse("0.01"));
    received.accept(promises.sign(first, consumer), POLICY);

    try (PrivateKey stranger = PrivateKey.generate(random)) {
      // a signature by someone else than the issuer it names
      SignedPromise forged =
          new SignedPromise(
              first.raisedTo(Myst.parse("0.02")),
              promises
                  .sign(
                      new Promise(stranger.address(), provider.address(), 3, Myst.parse("0.02")),
                      stranger)
                  .signature());
      assertRefused(forged, Reason.BAD_SIGNATURE);
      // made out to someone else
      assertRefused(
          promises.sign(
              new Promise(consumer.address(), stranger.address(), 4, Myst.parse("0.01")), consumer),
          Reason.WRONG_BENEFITER);
    }
    assertRefused(
        promises.sign(
            new Promise(consumer.address(), provider.address(), 2, Myst.parse("1")), consumer),
        Reason.LOWER_SERIAL);
    assertRefused(
        promises.sign(first.raisedTo(Myst.parse("0.005")), consumer), Reason.NOT_AN_INCREASE);
    assertRefused(
        promises.sign(first.raisedTo(Myst.parse("0.0105")), consumer), Reason.BELOW_POLICY);
    assertRefused(promises.sign(first.raisedTo(Myst.parse("6")), consumer), Reason.EXPOSURE_CAP);
    received.freezeHeldSerial(consumer.address());
    assertRefused(
        promises.sign(first.raisedTo(Myst.parse("0.02")), consumer),
        Reason.UPDATE_AFTER_NEW_SERIAL_REQUESTED);
    // nothing refused changed what is held
    assertThat(received.held(consumer.address()))
        .singleElement()
        .satisfies(p -> assertThat(p.promise()).isEqualTo(first));
  }

  @Test
  void theSamePromiseAgainAfterARestartIsTakenOnceAndLedgersSurviveIt() throws Exception {
    SignedPromise promise = issued.pay(provider.address(), Myst.parse("0.02"));
    received.accept(promise, POLICY);
    // the acknowledgement was lost: after a (clean) restart the consumer sends its current promise
    // again (a real crash mid-write: the next test)
    consumerDb.close();
    providerDb.close();
    consumerDb = Database.open(temp.resolve("consumer.db"));
    providerDb = Database.open(temp.resolve("provider.db"));
    issued = new IssuedPromises(consumerDb, promises, consumer, Clock.systemUTC());
    received = new ReceivedPromises(providerDb, promises, provider.address(), Clock.systemUTC());
    SignedPromise again = issued.current(provider.address()).orElseThrow();
    assertThat(again).isEqualTo(promise);
    ReceivedPromises.Accepted taken = received.accept(again, POLICY);
    assertThat(taken.increment()).isEqualTo(Myst.ofBaseUnits(BigInteger.ZERO));
    assertThat(taken.uncleared()).isEqualTo(Myst.parse("0.02"));
    assertThat(pay("0.01").promise().promise().amount()).isEqualTo(Myst.parse("0.03"));
  }

  @Test
  void ledgersKilledMidWriteReopenWithAtMostThePromiseInFlightNotYetTaken() throws Exception {
    Path deploymentFile = temp.resolve("deployment.json");
    deployment.write(deploymentFile);
    Path consumerFile = temp.resolve("crash-consumer.db");
    Path providerFile = temp.resolve("crash-provider.db");
    List<String> command =
        List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-cp",
            System.getProperty("java.class.path"),
            PromiseLedgerCrashChild.class.getName(),
            deploymentFile.toString(),
            consumerFile.toString(),
            providerFile.toString(),
            provider.address().toString());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    BigInteger lastTaken = BigInteger.ZERO;
    String issuer;
    try (java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      issuer = lines.readLine().substring("issuer ".length());
      for (int taken = 0; taken < 300; taken++) {
        String line = lines.readLine();
        assertThat(line).startsWith("taken ");
        lastTaken = new BigInteger(line.substring("taken ".length()));
      }
      child.destroyForcibly(); // SIGKILL while it writes the next promise
      assertThat(child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).isEqualTo(137);
    try (Database consumerAgain = Database.open(consumerFile);
        Database providerAgain = Database.open(providerFile)) {
      SignedPromise current = onlyIssued(consumerAgain, Address.parse(issuer));
      assertThat(promises.isSignedByIssuer(current)).isTrue();
      ReceivedPromises provider2 =
          new ReceivedPromises(providerAgain, promises, provider.address(), Clock.systemUTC());
      BigInteger held =
          provider2.held(Address.parse(issuer)).getFirst().promise().amount().baseUnits();
      BigInteger promised = current.promise().amount().baseUnits();
      BigInteger step = Myst.parse("0.001").baseUnits();
      // what was printed was committed on both sides; at most the one in flight is not yet taken
      assertThat(held).isGreaterThanOrEqualTo(lastTaken).isLessThanOrEqualTo(promised);
      assertThat(promised.subtract(held)).isIn(BigInteger.ZERO, step);
      // the consumer sends its current promise again after the restart: taken, never twice
      ReceivedPromises.Accepted again =
          provider2.accept(
              current, new ReceivedPromises.Policy(Myst.ofBaseUnits(step), Myst.parse("1000000")));
      assertThat(again.increment().baseUnits()).isEqualTo(promised.subtract(held));
      assertThat(again.uncleared().baseUnits()).isEqualTo(promised);
    }
  }

  private static SignedPromise onlyIssued(Database db, Address issuer) throws Exception {
    return db.transaction(
        c -> {
          try (var rows =
              c.prepareStatement("SELECT benefiter, serial, amount, signature FROM issued_promises")
                  .executeQuery()) {
            assertThat(rows.next()).isTrue();
            SignedPromise p =
                new SignedPromise(
                    new Promise(
                        issuer,
                        Address.parse(rows.getString(1)),
                        rows.getLong(2),
                        Myst.ofBaseUnits(new BigInteger(rows.getString(3)))),
                    network.mysterium.crypto.Signature.parse(rows.getBytes(4)));
            assertThat(rows.next()).isFalse();
            return p;
          }
        });
  }

  private void assertRefused(SignedPromise promise, Reason reason) {
    assertThatThrownBy(() -> received.accept(promise, POLICY))
        .isInstanceOf(PromiseRefusedException.class)
        .extracting(e -> ((PromiseRefusedException) e).reason())
        .isEqualTo(reason);
  }
}
