package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import network.mysterium.contracts.BatchClearing;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.discovery.SignedProposals;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** What the contracts cost in gas, what a follower reads of their events, and chain errors. */
class ContractGasAndEventsTest extends ContractsFixture {
  @Test
  void gasOfEveryOperationMeetsItsTarget() throws Exception {
    PrivateKey consumer = identity(1000);
    PrivateKey provider = identity(100);
    long register = gas(register(provider));
    long announceZeros = gas(services.announce(credentials(provider), 1, new byte[300]));
    byte[] noise = new byte[300];
    random.nextBytes(noise); // every byte non-zero but by chance: calldata's dearest case
    long announceNoise = gas(services.announce(credentials(provider), 1, noise));
    byte[] real = realSignedProposal(provider);
    long announceReal = gas(services.announce(credentials(provider), 2, real));
    long deposit = gas(deposit(consumer, consumer, MYST.multiply(BigInteger.valueOf(100))));
    // the provider's first clearing ever also creates its balance (a new slot, once per provider)
    long firstEver = gasOfBatch(provider, issued(consumer, provider, 1, MYST));
    long repeat = gasOfBatch(provider, issued(consumer, provider, 2, MYST));
    PrivateKey second = identity(1000);
    deposit(second, second, MYST.multiply(BigInteger.valueOf(100)));
    long firstPair = gasOfBatch(provider, issued(second, provider, 1, MYST));
    long relayedFirstPair = gas(clear(consumer, identity(0), 1, MYST, false));

    // a batch: 1 promise, then 11 from 11 issuers, as repeat pairs and as first pairs
    List<PrivateKey> issuers = new java.util.ArrayList<>();
    for (int i = 0; i < 11; i++) {
      PrivateKey issuer = identity(100);
      deposit(issuer, issuer, MYST.multiply(BigInteger.TEN));
      issuers.add(issuer);
    }
    List<BatchClearing.IssuedPromise> firstPairs = new java.util.ArrayList<>();
    for (PrivateKey issuer : issuers) {
      firstPairs.add(issued(issuer, provider, 1, MYST));
    }
    long firstPairsBatch =
        gasOfBatch(provider, firstPairs.toArray(BatchClearing.IssuedPromise[]::new));
    long oneRepeat = gasOfBatch(provider, issued(issuers.getFirst(), provider, 2, MYST));
    List<BatchClearing.IssuedPromise> repeats = new java.util.ArrayList<>();
    for (PrivateKey issuer : issuers) {
      repeats.add(issued(issuer, provider, 3, MYST));
    }
    long repeatsBatch = gasOfBatch(provider, repeats.toArray(BatchClearing.IssuedPromise[]::new));
    long extraRepeat = (repeatsBatch - oneRepeat) / 10;
    long extraFirstPair = (firstPairsBatch - firstPair) / 10;

    byte[] signature =
        sign(
            provider,
            ContractMessages.withdrawal(
                paymentsDomain(), provider.address(), provider.address(), MYST, BigInteger.ZERO));
    long requestWithdrawal =
        gas(
            payments.requestWithdrawal(
                credentials(provider),
                provider.address().toString(),
                provider.address().toString(),
                MYST,
                signature));
    client.advanceTimeOnDevChain(Deployer.Parameters.LOCAL_WITHDRAWAL_NOTICE);
    long completeWithdrawal =
        gas(payments.completeWithdrawal(credentials(provider), provider.address().toString()));
    System.out.printf(
        "GAS register=%d announce(300 zero bytes)=%d announce(300 random bytes)=%d announce(real"
            + " signed proposal, %d B)=%d deposit=%d clearPromises(first pair)=%d"
            + " clearPromises(provider's first ever)=%d clearPromises(repeat pair)=%d"
            + " clearPromise(relayed, first pair)=%d batch(11 repeat pairs)=%d extra repeat pair=%d"
            + " batch(11 first pairs)=%d extra first pair=%d requestWithdrawal=%d"
            + " completeWithdrawal=%d%n",
        register,
        announceZeros,
        announceNoise,
        real.length,
        announceReal,
        deposit,
        firstPair,
        firstEver,
        repeat,
        relayedFirstPair,
        repeatsBatch,
        extraRepeat,
        firstPairsBatch,
        extraFirstPair,
        requestWithdrawal,
        completeWithdrawal);
    // every promise of the measured batches cleared (an empty batch would be cheap too)
    assertThat(
            payments.lastClearedSerial(
                issuers.getLast().address().toString(), provider.address().toString()))
        .isEqualTo(BigInteger.valueOf(3));
    assertThat(register).isLessThanOrEqualTo(100_000);
    assertThat(announceZeros).isLessThanOrEqualTo(30_000);
    assertThat(firstPair).isLessThanOrEqualTo(80_000);
    assertThat(repeat).isLessThanOrEqualTo(60_000);
    assertThat(extraRepeat).isLessThanOrEqualTo(20_000);
  }

  private static long gas(TransactionReceipt receipt) {
    return receipt.getGasUsed().longValueExact();
  }

  private long gasOfBatch(PrivateKey benefiter, BatchClearing.IssuedPromise... promises)
      throws Exception {
    BatchClearing.Outcome outcome =
        payments.clearPromises(credentials(benefiter), List.of(promises), false);
    assertThat(outcome.skipped()).isEmpty();
    assertThat(outcome.cleared()).hasSize(promises.length);
    return gas(outcome.receipt());
  }

  /** A proposal as providers announce it: one contact, signed. */
  private byte[] realSignedProposal(PrivateKey provider) {
    ServiceProposal proposal =
        new ServiceProposal(
            ServiceProposal.FORMAT_VERSION,
            provider.address(),
            2,
            "wireguard",
            new ServiceProposal.Place("DE", 3320),
            new ServiceProposal.Place("DE", 3320),
            100_000,
            ServiceProposal.Metering.PER_MEGABYTE,
            Myst.parse("0.0001"),
            List.of("udp://203.0.113.7:51820"));
    return SignedProposals.of(deployment).sign(proposal, provider);
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
