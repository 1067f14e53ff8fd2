package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.contracts.BatchClearing;
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
import network.mysterium.crypto.TypedData;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The four contracts freshly deployed on a real anvil, and the steps the contract tests share. */
@ExtendWith(AnvilExtension.class)
abstract class ContractsFixture {
  static final BigInteger MYST = BigInteger.TEN.pow(18);
  static final BigInteger STAKE = MYST.multiply(BigInteger.valueOf(10));
  static final int FEE_BPS = 250; // 2.5 %

  final SecureRandom random = new SecureRandom();
  final List<PrivateKey> keys = new ArrayList<>();
  Anvil anvil;
  EthereumClient client;
  Credentials deployer;
  Address feeAccount;
  Deployment deployment;
  MystTokenContract token;
  IdentityRegistryContract registry;
  ServiceRegistryContract services;
  PaymentsContract payments;

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

  /** The issuer's promise to the benefiter, signed, as a batch carries it. */
  BatchClearing.IssuedPromise issued(
      PrivateKey issuer, PrivateKey benefiter, long serial, BigInteger amount) {
    BigInteger s = BigInteger.valueOf(serial);
    return new BatchClearing.IssuedPromise(
        issuer.address().toString(),
        s,
        amount,
        sign(
            issuer,
            ContractMessages.promise(
                paymentsDomain(), issuer.address(), benefiter.address(), s, amount)));
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
}
