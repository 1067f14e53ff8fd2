package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.ContractRevertException;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.IdentityRegistryContract;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.ServiceRegistryContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.Signature;
import network.mysterium.crypto.TypedData;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The four contracts on a real anvil: every function, every refusal by its named error. */
@ExtendWith(AnvilExtension.class)
class ContractsTest {
  static final BigInteger MYST = BigInteger.TEN.pow(18);
  static final BigInteger STAKE = MYST.multiply(BigInteger.valueOf(10));
  static final int FEE_BPS = 250; // 2.5 %

  private final SecureRandom random = new SecureRandom();
  private final List<PrivateKey> keys = new ArrayList<>();
  private Anvil anvil;
  private EthereumClient client;
  private Credentials deployer;
  private Address feeAccount;
  private Deployment deployment;
  private MystTokenContract token;
  private IdentityRegistryContract registry;
  private ServiceRegistryContract services;
  private PaymentsContract payments;

  @BeforeEach
  void deploy(Anvil anvil) throws Exception {
    this.anvil = anvil;
    client = EthereumClient.connect(anvil.rpcUrl());
    deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
    feeAccount = Address.parse(Credentials.create(Anvil.DEV_PRIVATE_KEYS.get(1)).getAddress());
    deployment =
        Deployer.deploy(
            client,
            deployer,
            new Deployer.Parameters(
                MYST.multiply(BigInteger.valueOf(1_000_000)),
                STAKE,
                feeAccount.toString(),
                FEE_BPS));
    token = new MystTokenContract(client, deployment.token());
    registry = new IdentityRegistryContract(client, deployment.identityRegistry());
    services = new ServiceRegistryContract(client, deployment.serviceRegistry());
    payments = new PaymentsContract(client, deployment.payments());
  }

  @AfterEach
  void close() {
    keys.forEach(PrivateKey::destroy);
    client.close();
  }

  /** A new identity with ETH for gas and {@code myst} MYST in its wallet. */
  PrivateKey identity(long myst) throws Exception {
    PrivateKey key = PrivateKey.generate(random);
    keys.add(key);
    anvil.setBalance(key.address().toString(), MYST.multiply(BigInteger.TEN));
    if (myst > 0) {
      token.transfer(deployer, key.address().toString(), MYST.multiply(BigInteger.valueOf(myst)));
    }
    return key;
  }

  Credentials credentials(PrivateKey key) {
    return ChainAccounts.credentials(key);
  }

  ContractMessages.Domain registryDomain() {
    return ContractMessages.Domain.identityRegistry(
        client.chainId(), Address.parse(deployment.identityRegistry()));
  }

  ContractMessages.Domain paymentsDomain() {
    return ContractMessages.Domain.payments(client.chainId(), Address.parse(deployment.payments()));
  }

  byte[] sign(PrivateKey key, TypedData data) {
    return data.sign(key).toBytes();
  }

  TransactionReceipt register(PrivateKey identity) throws Exception {
    String payer = identity.address().toString();
    token.approve(credentials(identity), deployment.identityRegistry(), STAKE);
    byte[] signature =
        sign(
            identity,
            ContractMessages.registration(
                registryDomain(), identity.address(), identity.address(), STAKE));
    return registry.register(
        credentials(identity), identity.publicKey().toUncompressedXy(), signature);
  }

  TransactionReceipt deposit(PrivateKey from, PrivateKey identity, BigInteger amount)
      throws Exception {
    token.approve(credentials(from), deployment.payments(), amount);
    return payments.deposit(credentials(from), identity.address().toString(), amount);
  }

  TransactionReceipt clear(
      PrivateKey issuer, PrivateKey benefiter, long serial, BigInteger amount, boolean partial)
      throws Exception {
    BigInteger s = BigInteger.valueOf(serial);
    return payments.clearPromise(
        credentials(benefiter),
        issuer.address().toString(),
        benefiter.address().toString(),
        s,
        amount,
        partial,
        sign(
            issuer,
            ContractMessages.promise(
                paymentsDomain(), issuer.address(), benefiter.address(), s, amount)),
        sign(
            benefiter,
            ContractMessages.clearing(
                paymentsDomain(), issuer.address(), benefiter.address(), s, amount, partial)));
  }

  /** Submits the promise (serial 1, 1 MYST) of consumer to provider with the given signatures. */
  TransactionReceipt submit(
      PrivateKey sender,
      PrivateKey consumer,
      PrivateKey provider,
      boolean partial,
      byte[] issuerSignature,
      byte[] benefiterSignature)
      throws ChainException {
    return payments.clearPromise(
        credentials(sender),
        consumer.address().toString(),
        provider.address().toString(),
        BigInteger.ONE,
        MYST,
        partial,
        issuerSignature,
        benefiterSignature);
  }

  static void assertReverts(ThrowingCallable call, String error) {
    assertThatThrownBy(call)
        .isInstanceOf(ContractRevertException.class)
        .extracting(e -> ((ContractRevertException) e).errorName())
        .isEqualTo(error);
  }

  // ---- happy paths ----

  @Test
  void registrationTakesTheStakeAndIsVisible() throws Exception {
    PrivateKey alice = identity(100);
    register(alice);
    assertThat(registry.isRegistered(alice.address().toString())).isTrue();
    assertThat(registry.stakeOf(alice.address().toString())).isEqualTo(STAKE);
    assertThat(token.balanceOf(alice.address().toString()))
        .isEqualTo(MYST.multiply(BigInteger.valueOf(90)));
    assertThat(token.balanceOf(deployment.identityRegistry())).isEqualTo(STAKE);
  }

  @Test
  void aSponsorMayPayTheStakeWhenTheIdentitySignedForIt() throws Exception {
    PrivateKey sponsor = identity(100);
    PrivateKey alice = identity(0);
    token.approve(credentials(sponsor), deployment.identityRegistry(), STAKE);
    byte[] signature =
        sign(
            alice,
            ContractMessages.registration(
                registryDomain(), alice.address(), sponsor.address(), STAKE));
    registry.register(credentials(sponsor), alice.publicKey().toUncompressedXy(), signature);
    assertThat(registry.isRegistered(alice.address().toString())).isTrue();
  }

  @Test
  void ownerChangesTheStakeOthersCannot() throws Exception {
    registry.setRegistrationStake(deployer, MYST);
    assertThat(registry.registrationStake()).isEqualTo(MYST);
    PrivateKey mallory = identity(0);
    assertReverts(
        () -> registry.setRegistrationStake(credentials(mallory), BigInteger.ONE),
        "OwnableUnauthorizedAccount");
  }

  @Test
  void registeredProviderAnnounces() throws Exception {
    PrivateKey provider = identity(100);
    register(provider);
    var receipt = services.announce(credentials(provider), 1, new byte[300]);
    assertThat(receipt.getLogs()).hasSize(1);
  }

  @Test
  void depositClearWithFeeWithdrawAndBalancesAddUpToTheToken() throws Exception {
    PrivateKey consumer = identity(1000);
    PrivateKey provider = identity(0);
    Address exchange = Address.parse("0x000000000000000000000000000000000000dEaD");
    deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(100)));
    clear(consumer, provider, 1, MYST.multiply(BigInteger.valueOf(40)), false);
    clear(consumer, provider, 2, MYST.multiply(BigInteger.valueOf(20)), false);

    BigInteger sixty = MYST.multiply(BigInteger.valueOf(60));
    BigInteger fee = sixty.multiply(BigInteger.valueOf(FEE_BPS)).divide(BigInteger.valueOf(10_000));
    assertThat(payments.balanceOf(consumer.address().toString()))
        .isEqualTo(MYST.multiply(BigInteger.valueOf(40)));
    assertThat(payments.balanceOf(provider.address().toString())).isEqualTo(sixty.subtract(fee));
    assertThat(payments.feesAccrued()).isEqualTo(fee);
    payments.collectFees(deployer);
    assertThat(payments.feesAccrued()).isZero();
    assertThat(payments.balanceOf(feeAccount.toString())).isEqualTo(fee);
    assertThat(
            payments.lastClearedSerial(
                consumer.address().toString(), provider.address().toString()))
        .isEqualTo(BigInteger.TWO);

    BigInteger out = MYST.multiply(BigInteger.valueOf(50));
    byte[] withdrawal =
        sign(
            provider,
            ContractMessages.withdrawal(
                paymentsDomain(), provider.address(), exchange, out, BigInteger.ZERO));
    payments.withdraw(
        credentials(consumer), provider.address().toString(), exchange.toString(), out, withdrawal);
    assertThat(token.balanceOf(exchange.toString())).isEqualTo(out);
    assertThat(payments.withdrawalNonce(provider.address().toString())).isEqualTo(BigInteger.ONE);

    BigInteger accounts =
        payments
            .balanceOf(consumer.address().toString())
            .add(payments.balanceOf(provider.address().toString()))
            .add(payments.balanceOf(feeAccount.toString()));
    assertThat(accounts).isEqualTo(token.balanceOf(deployment.payments()));
    BigInteger everywhere =
        token
            .balanceOf(deployer.getAddress())
            .add(token.balanceOf(consumer.address().toString()))
            .add(token.balanceOf(deployment.payments()))
            .add(token.balanceOf(exchange.toString()));
    assertThat(everywhere).isEqualTo(token.totalSupply());
  }

  @Test
  void partialFlagPaysTheWholeShortBalance() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(5)));
    assertReverts(
        () -> clear(consumer, provider, 1, MYST.multiply(BigInteger.valueOf(8)), false),
        "InsufficientBalance");
    clear(consumer, provider, 1, MYST.multiply(BigInteger.valueOf(8)), true);
    assertThat(payments.balanceOf(consumer.address().toString())).isZero();
    BigInteger five = MYST.multiply(BigInteger.valueOf(5));
    assertThat(payments.balanceOf(provider.address().toString()))
        .isEqualTo(
            five.subtract(
                five.multiply(BigInteger.valueOf(FEE_BPS)).divide(BigInteger.valueOf(10_000))));
  }

  // ---- attacks ----

  @Test
  void replayedOrLowerSerialIsRefused() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(50)));
    clear(consumer, provider, 5, MYST, false);
    assertReverts(() -> clear(consumer, provider, 5, MYST, false), "SerialNotAbove");
    assertReverts(() -> clear(consumer, provider, 4, MYST, false), "SerialNotAbove");
  }

  @Test
  void forgedIssuerSignatureIsRefused() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    PrivateKey forger = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(50)));
    BigInteger one = BigInteger.ONE;
    byte[] forged =
        sign(
            forger,
            ContractMessages.promise(
                paymentsDomain(), consumer.address(), provider.address(), one, MYST));
    byte[] benefiter =
        sign(
            provider,
            ContractMessages.clearing(
                paymentsDomain(), consumer.address(), provider.address(), one, MYST, false));
    assertReverts(
        () -> submit(provider, consumer, provider, false, forged, benefiter),
        "InvalidIssuerSignature");
  }

  @Test
  void missingOrWrongBenefiterSignatureIsRefused() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(50)));
    BigInteger one = BigInteger.ONE;
    byte[] issuer =
        sign(
            consumer,
            ContractMessages.promise(
                paymentsDomain(), consumer.address(), provider.address(), one, MYST));
    // the issuer's own signature in the benefiter's place: signed, but not by the benefiter
    byte[] wrong =
        sign(
            consumer,
            ContractMessages.clearing(
                paymentsDomain(), consumer.address(), provider.address(), one, MYST, false));
    assertReverts(
        () -> submit(provider, consumer, provider, false, issuer, wrong),
        "InvalidBenefiterSignature");
    assertReverts(
        () -> submit(provider, consumer, provider, false, issuer, new byte[0]),
        "ECDSAInvalidSignatureLength");
    // a benefiter signature without the partial flag cannot be used with it
    byte[] strict =
        sign(
            provider,
            ContractMessages.clearing(
                paymentsDomain(), consumer.address(), provider.address(), one, MYST, false));
    assertReverts(
        () -> submit(consumer, consumer, provider, true, issuer, strict),
        "InvalidBenefiterSignature");
  }

  @Test
  void promiseSignedForAnotherChainOrContractIsRefused() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(50)));
    BigInteger one = BigInteger.ONE;
    Address here = Address.parse(deployment.payments());
    for (ContractMessages.Domain elsewhere :
        List.of(
            ContractMessages.Domain.payments(1, here),
            ContractMessages.Domain.payments(
                client.chainId(), Address.parse(deployment.identityRegistry())))) {
      byte[] issuer =
          sign(
              consumer,
              ContractMessages.promise(
                  elsewhere, consumer.address(), provider.address(), one, MYST));
      byte[] benefiter =
          sign(
              provider,
              ContractMessages.clearing(
                  paymentsDomain(), consumer.address(), provider.address(), one, MYST, false));
      assertReverts(
          () -> submit(provider, consumer, provider, false, issuer, benefiter),
          "InvalidIssuerSignature");
    }
  }

  @Test
  void highSSignatureIsRefused() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(50)));
    BigInteger one = BigInteger.ONE;
    Signature low =
        ContractMessages.promise(
                paymentsDomain(), consumer.address(), provider.address(), one, MYST)
            .sign(consumer);
    BigInteger n =
        new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);
    byte[] high = new Signature(low.r(), n.subtract(low.s()), low.v() == 27 ? 28 : 27).toBytes();
    byte[] benefiter =
        sign(
            provider,
            ContractMessages.clearing(
                paymentsDomain(), consumer.address(), provider.address(), one, MYST, false));
    assertReverts(
        () -> submit(provider, consumer, provider, false, high, benefiter),
        "ECDSAInvalidSignatureS");
  }

  @Test
  void registeringSomeoneElsesKeyIsRefused() throws Exception {
    PrivateKey alice = identity(0);
    PrivateKey mallory = identity(100);
    token.approve(credentials(mallory), deployment.identityRegistry(), STAKE);
    // Mallory signs for Alice's key
    byte[] byMallory =
        sign(
            mallory,
            ContractMessages.registration(
                registryDomain(), alice.address(), mallory.address(), STAKE));
    assertReverts(
        () ->
            registry.register(
                credentials(mallory), alice.publicKey().toUncompressedXy(), byMallory),
        "NotSignedByIdentity");
    // Alice's signature naming herself as payer, replayed by Mallory (front-running)
    byte[] byAlice =
        sign(
            alice,
            ContractMessages.registration(
                registryDomain(), alice.address(), alice.address(), STAKE));
    assertReverts(
        () ->
            registry.register(credentials(mallory), alice.publicKey().toUncompressedXy(), byAlice),
        "NotSignedByIdentity");
    assertReverts(
        () -> registry.register(credentials(mallory), new byte[63], byAlice), "InvalidPublicKey");
    assertThat(registry.isRegistered(alice.address().toString())).isFalse();
  }

  @Test
  void registeringTwiceIsRefused() throws Exception {
    PrivateKey alice = identity(100);
    register(alice);
    assertReverts(() -> register(alice), "AlreadyRegistered");
  }

  @Test
  void unregisteredIdentityCannotAnnounce() throws Exception {
    PrivateKey stranger = identity(0);
    assertReverts(() -> services.announce(credentials(stranger), 1, new byte[10]), "NotRegistered");
  }

  @Test
  void withdrawWithoutTheIdentitysSignatureOrReplayedIsRefused() throws Exception {
    PrivateKey owner = identity(100);
    PrivateKey thief = identity(0);
    deposit(owner, owner, MYST.multiply(BigInteger.valueOf(10)));
    Address to = thief.address();
    byte[] byThief =
        sign(
            thief,
            ContractMessages.withdrawal(
                paymentsDomain(), owner.address(), to, MYST, BigInteger.ZERO));
    assertReverts(
        () ->
            payments.withdraw(
                credentials(thief), owner.address().toString(), to.toString(), MYST, byThief),
        "InvalidWithdrawalSignature");

    byte[] byOwner =
        sign(
            owner,
            ContractMessages.withdrawal(
                paymentsDomain(), owner.address(), to, MYST, BigInteger.ZERO));
    payments.withdraw(credentials(thief), owner.address().toString(), to.toString(), MYST, byOwner);
    assertReverts(
        () ->
            payments.withdraw(
                credentials(thief), owner.address().toString(), to.toString(), MYST, byOwner),
        "InvalidWithdrawalSignature");
    assertThat(payments.balanceOf(owner.address().toString()))
        .isEqualTo(MYST.multiply(BigInteger.valueOf(9)));
  }

  @Test
  void withdrawingMoreThanTheBalanceIsRefused() throws Exception {
    PrivateKey owner = identity(100);
    deposit(owner, owner, MYST);
    BigInteger two = MYST.multiply(BigInteger.TWO);
    byte[] signature =
        sign(
            owner,
            ContractMessages.withdrawal(
                paymentsDomain(), owner.address(), owner.address(), two, BigInteger.ZERO));
    assertReverts(
        () ->
            payments.withdraw(
                credentials(owner),
                owner.address().toString(),
                owner.address().toString(),
                two,
                signature),
        "InsufficientBalance");
  }

  @Test
  void ownerChangesTheFeeAndFeesEarnedSoFarGoToTheOldAccount() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(10)));
    clear(consumer, provider, 1, MYST.multiply(BigInteger.valueOf(4)), false);
    BigInteger earned = payments.feesAccrued();
    assertThat(earned).isPositive();
    Address newAccount =
        Address.parse(Credentials.create(Anvil.DEV_PRIVATE_KEYS.get(2)).getAddress());
    payments.setFee(deployer, newAccount.toString(), 0);
    assertThat(payments.feeAccount()).isEqualToIgnoringCase(newAccount.toString());
    assertThat(payments.feeBasisPoints()).isZero();
    assertThat(payments.feesAccrued()).isZero();
    assertThat(payments.balanceOf(feeAccount.toString())).isEqualTo(earned);
    PrivateKey mallory = identity(0);
    assertReverts(
        () -> payments.setFee(credentials(mallory), mallory.address().toString(), 0),
        "OwnableUnauthorizedAccount");
  }

  @Test
  void feeAboveTenPercentIsRefused() {
    assertReverts(() -> payments.setFee(deployer, feeAccount.toString(), 1001), "FeeTooHigh");
    assertReverts(
        () -> payments.setFee(deployer, "0x0000000000000000000000000000000000000000", 100),
        "ZeroFeeAccount");
  }

  @Test
  void gasOfEveryOperationMeetsItsTarget() throws Exception {
    PrivateKey consumer = identity(1000);
    PrivateKey provider = identity(100);
    long register = register(provider).getGasUsed().longValueExact();
    long announce =
        services.announce(credentials(provider), 1, new byte[300]).getGasUsed().longValueExact();
    long deposit =
        deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(100)))
            .getGasUsed()
            .longValueExact();
    long firstClear = clear(consumer, provider, 1, MYST, false).getGasUsed().longValueExact();
    long repeatClear =
        clear(consumer, provider, 2, MYST.multiply(BigInteger.TWO), false)
            .getGasUsed()
            .longValueExact();
    byte[] signature =
        sign(
            provider,
            ContractMessages.withdrawal(
                paymentsDomain(), provider.address(), provider.address(), MYST, BigInteger.ZERO));
    long withdraw =
        payments
            .withdraw(
                credentials(provider),
                provider.address().toString(),
                provider.address().toString(),
                MYST,
                signature)
            .getGasUsed()
            .longValueExact();
    System.out.printf(
        "GAS register=%d announce(300 B)=%d deposit=%d clearPromise(first pair)=%d"
            + " clearPromise(repeat pair)=%d withdraw=%d%n",
        register, announce, deposit, firstClear, repeatClear, withdraw);
    assertThat(repeatClear).isLessThanOrEqualTo(60_000);
    assertThat(register).isLessThanOrEqualTo(100_000);
  }

  @Test
  void followerIndexesTheRealContractsEvents() throws Exception {
    PrivateKey consumer = identity(1000);
    PrivateKey provider = identity(100);
    long start = deployment.startBlock();
    register(provider);
    services.announce(credentials(provider), 7, new byte[] {1, 2, 3});
    deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(10)));
    clear(consumer, provider, 1, MYST.multiply(BigInteger.valueOf(4)), false);
    payments.collectFees(deployer);
    ContractAddresses addresses = ContractAddresses.of(deployment);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("follower");
    try (network.mysterium.store.Database database =
            network.mysterium.store.Database.open(dir.resolve("node.db"));
        ChainFollower follower =
            new ChainFollower(
                client.web3(),
                new ChainIndex(database),
                new ChainFollower.Config(
                    addresses, start, 0, 1000, java.time.Duration.ofSeconds(1)))) {
      follower.pollOnce();
      ChainIndex index = new ChainIndex(database);
      assertThat(index.registration(provider.address()))
          .get()
          .satisfies(
              r -> assertThat(r.publicKey()).isEqualTo(provider.publicKey().toUncompressedXy()));
      assertThat(index.announcementsSince(start))
          .singleElement()
          .satisfies(a -> assertThat(a.serial()).isEqualTo(7));
      for (PrivateKey key : List.of(consumer, provider)) {
        assertThat(index.balanceOf(key.address()))
            .isEqualTo(payments.balanceOf(key.address().toString()));
      }
      assertThat(index.balanceOf(feeAccount))
          .isPositive()
          .isEqualTo(payments.balanceOf(feeAccount.toString()));
    } finally {
      try (var files = java.nio.file.Files.list(dir)) {
        for (java.nio.file.Path file : files.toList()) {
          java.nio.file.Files.delete(file);
        }
      }
      java.nio.file.Files.delete(dir);
    }
  }

  @Test
  void wrongChainAndUnreachableChainAreClearErrors() throws Exception {
    assertThatThrownBy(() -> EthereumClient.connect(anvil.rpcUrl(), 1))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("has chain id 31337 but the deployment is for chain id 1");
    assertThatThrownBy(() -> EthereumClient.connect(java.net.URI.create("http://127.0.0.1:1")))
        .isInstanceOf(ChainException.class)
        .hasMessage("cannot reach the chain at http://127.0.0.1:1: connection refused");
  }
}
