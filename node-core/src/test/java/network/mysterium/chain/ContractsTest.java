package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.Signature;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/** The four contracts on a real anvil: every function, every refusal by its named error. */
class ContractsTest extends ContractsFixture {
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
    payments.requestWithdrawal(
        credentials(consumer), provider.address().toString(), exchange.toString(), out, withdrawal);
    assertThat(token.balanceOf(exchange.toString())).isZero(); // not before the notice
    passTheNotice();
    payments.completeWithdrawal(credentials(consumer), provider.address().toString());
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

  // ---- the stake at risk (whitepaper 6.5.6) ----

  @Test
  void aPromiseTheBalanceCannotPayIsPaidFromTheStakeUpToHalfTheRegistrationAndDefaults()
      throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    register(consumer); // STAKE = 10 MYST: at most 5 per promise
    deposit(consumer, consumer, MYST.multiply(BigInteger.TWO));
    BigInteger promised = MYST.multiply(BigInteger.valueOf(9));
    // without acceptPartial the provider is refused, and nothing is taken
    assertReverts(() -> clear(consumer, provider, 1, promised, false), "InsufficientBalance");
    assertThat(registry.isDefaulted(consumer.address().toString())).isFalse();

    clear(consumer, provider, 1, promised, true);
    BigInteger paid = MYST.multiply(BigInteger.valueOf(7)); // 2 of balance + 5 of stake
    BigInteger fee = paid.multiply(BigInteger.valueOf(FEE_BPS)).divide(BigInteger.valueOf(10_000));
    assertThat(payments.balanceOf(provider.address().toString())).isEqualTo(paid.subtract(fee));
    assertThat(payments.balanceOf(consumer.address().toString())).isZero();
    assertThat(registry.isDefaulted(consumer.address().toString())).isTrue();
    assertThat(registry.stakeOf(consumer.address().toString()))
        .isEqualTo(STAKE.subtract(MYST.multiply(BigInteger.valueOf(5))));
    // the tokens moved with the value: each contract holds what its books say
    assertThat(token.balanceOf(deployment.identityRegistry()))
        .isEqualTo(MYST.multiply(BigInteger.valueOf(5)));
    assertThat(token.balanceOf(deployment.payments()))
        .isEqualTo(payments.balanceOf(provider.address().toString()).add(payments.feesAccrued()));

    // registering again (a new stake on top of what is left) ends the default
    register(consumer);
    assertThat(registry.isDefaulted(consumer.address().toString())).isFalse();
    assertThat(registry.stakeOf(consumer.address().toString()))
        .isEqualTo(MYST.multiply(BigInteger.valueOf(15)));
  }

  @Test
  void onlyThePaymentsContractTakesAStakeAndItIsSetOnce() throws Exception {
    PrivateKey victim = identity(100);
    register(victim);
    PrivateKey mallory = identity(0);
    assertThat(registry.payments()).isEqualToIgnoringCase(deployment.payments());
    assertReverts(
        () ->
            client.send(
                credentials(mallory),
                new network.mysterium.contracts.ContractCall(
                    deployment.identityRegistry(),
                    org.web3j.abi.FunctionEncoder.encode(
                        new org.web3j.abi.datatypes.Function(
                            "takeStake",
                            List.of(
                                new org.web3j.abi.datatypes.Address(victim.address().toString()),
                                new org.web3j.abi.datatypes.Address(mallory.address().toString()),
                                new org.web3j.abi.datatypes.generated.Uint256(STAKE)),
                            List.of())))),
        "NotPayments");
    assertReverts(
        () ->
            client.send(
                deployer,
                new network.mysterium.contracts.ContractCall(
                    deployment.identityRegistry(),
                    org.web3j.abi.FunctionEncoder.encode(
                        new org.web3j.abi.datatypes.Function(
                            "setPayments",
                            List.of(
                                new org.web3j.abi.datatypes.Address(mallory.address().toString())),
                            List.of())))),
        "PaymentsAlreadySet");
    assertThat(registry.stakeOf(victim.address().toString())).isEqualTo(STAKE);
    assertThat(registry.isDefaulted(victim.address().toString())).isFalse();
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

  /**
   * The registration is the nodes' check (ProposalIndexTest): the contract only bounds what it
   * logs, for anyone.
   */
  @Test
  void anyoneMayAnnounceWithinTheBounds() throws Exception {
    PrivateKey stranger = identity(0);
    assertThat(services.announce(credentials(stranger), 1, new byte[10]).isStatusOK()).isTrue();
    assertReverts(
        () -> services.announce(credentials(stranger), 1, new byte[2049]),
        "ProposalSizeOutOfRange");
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
            payments.requestWithdrawal(
                credentials(thief), owner.address().toString(), to.toString(), MYST, byThief),
        "InvalidWithdrawalSignature");

    byte[] byOwner =
        sign(
            owner,
            ContractMessages.withdrawal(
                paymentsDomain(), owner.address(), to, MYST, BigInteger.ZERO));
    payments.requestWithdrawal(
        credentials(thief), owner.address().toString(), to.toString(), MYST, byOwner);
    assertReverts(
        () ->
            payments.requestWithdrawal(
                credentials(thief), owner.address().toString(), to.toString(), MYST, byOwner),
        "InvalidWithdrawalSignature");
    passTheNotice();
    payments.completeWithdrawal(credentials(thief), owner.address().toString());
    assertReverts(
        () -> payments.completeWithdrawal(credentials(thief), owner.address().toString()),
        "NoPendingWithdrawal");
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
            payments.requestWithdrawal(
                credentials(owner),
                owner.address().toString(),
                owner.address().toString(),
                two,
                signature),
        "InsufficientBalance");
  }

  // ---- withdrawal with notice (whitepaper 6.5.6) ----

  @Test
  void aWithdrawalCompletesOnlyAfterTheNoticeAndOnlyToTheSignedDestination() throws Exception {
    PrivateKey owner = identity(100);
    PrivateKey relay = identity(0);
    Address exchange = Address.parse("0x000000000000000000000000000000000000bEEF");
    deposit(owner, owner, MYST.multiply(BigInteger.TEN));
    BigInteger four = MYST.multiply(BigInteger.valueOf(4));
    request(owner, relay, exchange, four, BigInteger.ZERO);
    PaymentsContract.PendingWithdrawal pending =
        payments.pendingWithdrawal(owner.address().toString());
    assertThat(pending.amount()).isEqualTo(four);
    assertThat(Address.parse(pending.to())).isEqualTo(exchange);
    assertThat(pending.completableAt() - client.latestBlockTime())
        .isBetween(payments.withdrawalNotice() - 5, payments.withdrawalNotice());
    // the balance stays (clearings may use it), but providers may not count on what is asked
    assertThat(payments.balanceOf(owner.address().toString()))
        .isEqualTo(MYST.multiply(BigInteger.TEN));
    assertThat(payments.spendableBalance(owner.address().toString()))
        .isEqualTo(MYST.multiply(BigInteger.valueOf(6)));

    assertReverts(
        () -> payments.completeWithdrawal(credentials(relay), owner.address().toString()),
        "WithdrawalNotDue");
    passTheNotice();
    // a third party completes it: the value still goes where the identity signed, not to it
    payments.completeWithdrawal(credentials(relay), owner.address().toString());
    assertThat(token.balanceOf(exchange.toString())).isEqualTo(four);
    assertThat(token.balanceOf(relay.address().toString())).isZero();
    assertThat(payments.spendableBalance(owner.address().toString()))
        .isEqualTo(MYST.multiply(BigInteger.valueOf(6)));
  }

  @Test
  void clearingsDuringTheNoticeArePaidFirstAndTheWithdrawalGetsWhatIsLeft() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.TEN));
    // the consumer asks for everything back, then the provider clears a promise it held
    request(consumer, consumer, consumer.address(), MYST.multiply(BigInteger.TEN), BigInteger.ZERO);
    assertThat(payments.spendableBalance(consumer.address().toString())).isZero();
    clear(consumer, provider, 1, MYST.multiply(BigInteger.valueOf(3)), false);
    passTheNotice();
    BigInteger walletBefore = token.balanceOf(consumer.address().toString());
    payments.completeWithdrawal(credentials(consumer), consumer.address().toString());
    assertThat(token.balanceOf(consumer.address().toString()).subtract(walletBefore))
        .isEqualTo(MYST.multiply(BigInteger.valueOf(7)));
    assertThat(payments.balanceOf(consumer.address().toString())).isZero();
    BigInteger three = MYST.multiply(BigInteger.valueOf(3));
    BigInteger fee = three.multiply(BigInteger.valueOf(FEE_BPS)).divide(BigInteger.valueOf(10_000));
    assertThat(payments.balanceOf(provider.address().toString())).isEqualTo(three.subtract(fee));
  }

  @Test
  void aNewRequestReplacesThePendingOneAndRestartsTheNotice() throws Exception {
    PrivateKey owner = identity(100);
    deposit(owner, owner, MYST.multiply(BigInteger.TEN));
    request(owner, owner, owner.address(), MYST, BigInteger.ZERO);
    passTheNotice();
    request(owner, owner, owner.address(), MYST.multiply(BigInteger.TWO), BigInteger.ONE);
    // the first was due, but the second replaced it: not due, and for the new amount
    assertReverts(
        () -> payments.completeWithdrawal(credentials(owner), owner.address().toString()),
        "WithdrawalNotDue");
    assertThat(payments.pendingWithdrawal(owner.address().toString()).amount())
        .isEqualTo(MYST.multiply(BigInteger.TWO));
  }

  private void request(
      PrivateKey identity, PrivateKey sender, Address to, BigInteger amount, BigInteger nonce)
      throws Exception {
    byte[] signature =
        sign(
            identity,
            ContractMessages.withdrawal(paymentsDomain(), identity.address(), to, amount, nonce));
    payments.requestWithdrawal(
        credentials(sender), identity.address().toString(), to.toString(), amount, signature);
  }

  private void passTheNotice() throws Exception {
    client.advanceTimeOnDevChain(
        java.time.Duration.ofSeconds(payments.withdrawalNotice()).plusSeconds(1));
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
  void aFeeIncreaseWaitsTheNoticeSoPromisesHeldUnderTheOldFeeClearAtIt() throws Exception {
    PrivateKey consumer = identity(100);
    PrivateKey provider = identity(0);
    deposit(consumer, consumer, MYST.multiply(BigInteger.TEN));
    int higher = FEE_BPS * 2;
    payments.setFee(deployer, feeAccount.toString(), higher);
    // scheduled, not applied: a provider clearing now pays the fee it accepted promises under
    assertThat(payments.feeBasisPoints()).isEqualTo(BigInteger.valueOf(FEE_BPS));
    PaymentsContract.ScheduledFee scheduled = payments.scheduledFee();
    assertThat(scheduled.feeBasisPoints()).isEqualTo(higher);
    assertThat(scheduled.effectiveAt() - client.latestBlockTime())
        .isBetween(payments.withdrawalNotice() - 5, payments.withdrawalNotice());
    clear(consumer, provider, 1, MYST, false);
    BigInteger oldFee =
        MYST.multiply(BigInteger.valueOf(FEE_BPS)).divide(BigInteger.valueOf(10_000));
    assertThat(payments.balanceOf(provider.address().toString())).isEqualTo(MYST.subtract(oldFee));
    assertReverts(() -> payments.applyScheduledFee(credentials(provider)), "FeeChangeNotDue");

    passTheNotice();
    payments.applyScheduledFee(credentials(provider)); // anyone may, once due
    assertThat(payments.feeBasisPoints()).isEqualTo(BigInteger.valueOf(higher));
    assertThat(payments.scheduledFee().exists()).isFalse();
    assertReverts(() -> payments.applyScheduledFee(credentials(provider)), "NoScheduledFee");
    BigInteger before = payments.balanceOf(provider.address().toString());
    clear(consumer, provider, 2, MYST, false);
    BigInteger newFee =
        MYST.multiply(BigInteger.valueOf(higher)).divide(BigInteger.valueOf(10_000));
    assertThat(payments.balanceOf(provider.address().toString()).subtract(before))
        .isEqualTo(MYST.subtract(newFee));
  }

  @Test
  void aFeeDecreaseAppliesAtOnceAndDropsAScheduledIncrease() throws Exception {
    payments.setFee(deployer, feeAccount.toString(), FEE_BPS + 100);
    assertThat(payments.scheduledFee().exists()).isTrue();
    payments.setFee(deployer, feeAccount.toString(), FEE_BPS - 100);
    assertThat(payments.feeBasisPoints()).isEqualTo(BigInteger.valueOf(FEE_BPS - 100));
    assertThat(payments.scheduledFee().exists()).isFalse();
    PrivateKey mallory = identity(0);
    passTheNotice();
    assertReverts(() -> payments.applyScheduledFee(credentials(mallory)), "NoScheduledFee");
  }

  @Test
  void feeAboveTenPercentIsRefused() {
    assertReverts(() -> payments.setFee(deployer, feeAccount.toString(), 1001), "FeeTooHigh");
    assertReverts(
        () -> payments.setFee(deployer, "0x0000000000000000000000000000000000000000", 100),
        "ZeroFeeAccount");
  }
}
