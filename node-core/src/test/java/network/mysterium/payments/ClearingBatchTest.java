package network.mysterium.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import network.mysterium.chain.ContractMessages;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * A provider clears what is due together in one transaction: here the promises of several consumers
 * held across a restart, paid to the base unit, the consumers told first.
 */
class ClearingBatchTest {
  @TempDir Path temp;

  @Test
  void promisesOfManyConsumersDueTogetherAreClearedInOneTransaction() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey provider = network.newIdentity(Myst.parse("1"), Myst.ZERO);
        Database database = Database.open(temp.resolve("provider.db"))) {
      Promises promises = Promises.of(network.deployment());
      ReceivedPromises ledger =
          new ReceivedPromises(database, promises, provider.address(), Clock.systemUTC());
      ReceivedPromises.Policy policy =
          new ReceivedPromises.Policy(Myst.parse("0.001"), Myst.parse("10"));
      List<PrivateKey> consumers = new ArrayList<>();
      BigInteger promised = BigInteger.ZERO;
      for (int i = 1; i <= 3; i++) {
        PrivateKey consumer = network.newIdentity(Myst.parse("2"), Myst.parse("1"));
        consumers.add(consumer);
        Myst amount = Myst.parse("0." + i);
        ledger.accept(
            promises.sign(new Promise(consumer.address(), provider.address(), 1, amount), consumer),
            policy);
        promised = promised.add(amount.baseUnits());
      }
      PaymentsContract payments =
          new PaymentsContract(network.client(), network.deployment().payments());
      int feeBasisPoints = payments.feeBasisPoints().intValueExact();
      BigInteger sentBefore = sent(network, provider);
      Set<Address> told = ConcurrentHashMap.newKeySet();
      Map<Address, List<Promise>> reported = new ConcurrentHashMap<>();

      try (Clearing clearing =
          new Clearing(
              ledger,
              new PromiseClearer(ledger, network.client(), network.deployment(), provider),
              new ClearingPolicy(Myst.parse("100"), Duration.ofDays(1), Duration.ofHours(1)),
              Duration.ofSeconds(2),
              (consumer, cleared, deferred) -> reported.put(consumer, cleared),
              Set::of,
              () -> false)) {
        // held from before a restart: the start clears them all
        clearing.start(
            consumer -> {
              told.add(consumer);
              return Optional.empty();
            });
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reported.size() < consumers.size() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
      }

      for (PrivateKey consumer : consumers) {
        assertThat(ledger.lastCleared(consumer.address())).isEqualTo(1);
        assertThat(reported.get(consumer.address())).hasSize(1);
      }
      assertThat(told)
          .containsExactlyInAnyOrderElementsOf(
              consumers.stream().map(PrivateKey::address).toList());
      assertThat(sent(network, provider)).isEqualTo(sentBefore.add(BigInteger.ONE));
      // each promise pays its amount less the fee on it (rounded down per promise)
      BigInteger expected = BigInteger.ZERO;
      for (int i = 1; i <= 3; i++) {
        BigInteger amount = Myst.parse("0." + i).baseUnits();
        expected =
            expected.add(
                amount.subtract(
                    amount
                        .multiply(BigInteger.valueOf(feeBasisPoints))
                        .divide(BigInteger.valueOf(10_000))));
      }
      assertThat(payments.balanceOf(provider.address().toString())).isEqualTo(expected);
      assertThat(expected).isLessThan(promised);
    }
  }

  /**
   * A held promise the contract will never take (here one signed under another contract's domain,
   * which this provider's ledger was made to accept) is voided at its first refusal, so the next
   * clearing sends no transaction for it.
   */
  @Test
  void aPromiseTheContractNeverTakesIsVoidedAndCostsNoFurtherTransaction() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey provider = network.newIdentity(Myst.parse("1"), Myst.ZERO);
        PrivateKey consumer = network.newIdentity(Myst.parse("2"), Myst.parse("1"));
        Database database = Database.open(temp.resolve("provider.db"))) {
      Promises elsewhere =
          new Promises(
              ContractMessages.Domain.payments(
                  network.client().chainId(),
                  Address.parse("0x000000000000000000000000000000000000dEaD")));
      ReceivedPromises ledger =
          new ReceivedPromises(database, elsewhere, provider.address(), Clock.systemUTC());
      ledger.accept(
          elsewhere.sign(
              new Promise(consumer.address(), provider.address(), 1, Myst.parse("0.1")), consumer),
          new ReceivedPromises.Policy(Myst.parse("0.001"), Myst.parse("10")));
      PromiseClearer clearer =
          new PromiseClearer(ledger, network.client(), network.deployment(), provider);
      BigInteger before = sent(network, provider);

      assertThat(clearer.clear(consumer.address()).cleared()).isEmpty();
      assertThat(sent(network, provider)).isEqualTo(before.add(BigInteger.ONE));
      assertThat(ledger.held(consumer.address())).isEmpty();

      assertThat(clearer.clear(consumer.address()).cleared()).isEmpty();
      assertThat(sent(network, provider)).isEqualTo(before.add(BigInteger.ONE)); // nothing sent
    }
  }

  /** Transactions the account has sent: its nonce on chain. */
  private static BigInteger sent(LocalNetwork network, PrivateKey account) throws Exception {
    return network
        .client()
        .web3()
        .ethGetTransactionCount(account.address().toString(), DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount();
  }
}
