package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/** What the contracts cost in gas, what a follower reads of their events, and chain errors. */
class ContractGasAndEventsTest extends ContractsFixture {
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
    long requestWithdrawal =
        payments
            .requestWithdrawal(
                credentials(provider),
                provider.address().toString(),
                provider.address().toString(),
                MYST,
                signature)
            .getGasUsed()
            .longValueExact();
    client.advanceTimeOnDevChain(Deployer.Parameters.LOCAL_WITHDRAWAL_NOTICE);
    long completeWithdrawal =
        payments
            .completeWithdrawal(credentials(provider), provider.address().toString())
            .getGasUsed()
            .longValueExact();
    System.out.printf(
        "GAS register=%d announce(300 B)=%d deposit=%d clearPromise(first pair)=%d"
            + " clearPromise(repeat pair)=%d requestWithdrawal=%d completeWithdrawal=%d%n",
        register,
        announce,
        deposit,
        firstClear,
        repeatClear,
        requestWithdrawal,
        completeWithdrawal);
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
