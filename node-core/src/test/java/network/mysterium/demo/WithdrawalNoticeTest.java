package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import network.mysterium.chain.ChainWallet;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whitepaper 6.5.6: a consumer cannot take back what it promised. It asks for its whole deposit
 * back in the middle of a session; the provider, following the chain, clears what it holds before
 * the notice ends (its policy would not have cleared for a day), counts the requested amount as
 * gone so the next promise is refused, and the withdrawal then pays only what is left.
 */
class WithdrawalNoticeTest {
  private static final Myst DEPOSIT = Myst.parse("1");
  private static final Myst STEP = Myst.parse("0.05");

  @TempDir Path temp;

  @Test
  void aProviderClearsWhatItHoldsBeforeARequestedWithdrawalCanComplete() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("5"), DEPOSIT)) {
      ProviderNode provider = unhurried(network);
      PaymentsContract payments =
          new PaymentsContract(network.client(), network.deployment().payments());
      try (Database database = Database.open(temp.resolve("consumer.db"));
          ConsumerNode node = Consumers.start(network, consumer, database);
          ConsumerSession session = Consumers.connect(node, null, STEP)) {
        assertThat(provider.promises().held(consumer.address())).hasSize(1);
        assertThat(provider.promises().lastCleared(consumer.address())).isZero();

        ChainWallet wallet = new ChainWallet(network.client(), network.deployment());
        wallet.requestWithdrawal(consumer, consumer.address(), DEPOSIT);

        // the consumer's own node follows the chain too: it sees the request pending
        Consumers.await(
            () -> !new network.mysterium.chain.ChainIndex(database).pendingWithdrawals().isEmpty(),
            "the request in the consumer's index");
        Consumers.await(
            () -> provider.promises().lastCleared(consumer.address()) == 1,
            "the provider clearing before the notice ends");
        assertThat(session.closedByProvider()).isNotDone(); // mid-session
        BigInteger cleared =
            DEPOSIT.baseUnits().subtract(payments.balanceOf(consumer.address().toString()));
        assertThat(cleared).isEqualTo(STEP.baseUnits());

        // what is asked back is gone for the provider: a further promise is refused
        assertThatThrownBy(() -> session.pay(STEP)).hasMessageContaining("EXPOSURE_CAP");

        network.client().advanceTimeOnDevChain(Deployer.Parameters.LOCAL_WITHDRAWAL_NOTICE);
        BigInteger walletBefore =
            new network.mysterium.contracts.MystTokenContract(
                    network.client(), network.deployment().token())
                .balanceOf(consumer.address().toString());
        wallet.completeWithdrawal(consumer);
        BigInteger walletAfter =
            new network.mysterium.contracts.MystTokenContract(
                    network.client(), network.deployment().token())
                .balanceOf(consumer.address().toString());
        // the withdrawal paid what the clearing left: the provider's money was never at risk
        assertThat(walletAfter.subtract(walletBefore))
            .isEqualTo(DEPOSIT.baseUnits().subtract(STEP.baseUnits()));
        assertThat(payments.balanceOf(consumer.address().toString())).isZero();
      }
    }
  }

  @Test
  void aProviderClearsWhatItHoldsBeforeAFeeIncreaseApplies() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        PrivateKey consumer = network.newIdentity(Myst.parse("5"), DEPOSIT)) {
      ProviderNode provider = unhurried(network);
      PaymentsContract payments =
          new PaymentsContract(network.client(), network.deployment().payments());
      try (Database database = Database.open(temp.resolve("consumer.db"));
          ConsumerNode node = Consumers.start(network, consumer, database);
          ConsumerSession session = Consumers.connect(node, null, STEP)) {
        assertThat(provider.promises().held(consumer.address())).hasSize(1);
        int before = payments.feeBasisPoints().intValueExact();
        // the deployer owns the contracts on the local network
        payments.setFee(
            org.web3j.crypto.Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst()),
            payments.feeAccount(),
            before + 500);
        Consumers.await(
            () -> provider.promises().lastCleared(consumer.address()) == 1,
            "the provider clearing before the higher fee applies");
        assertThat(session.closedByProvider()).isNotDone();
        // cleared at the fee the promise was accepted under
        BigInteger fee =
            STEP.baseUnits()
                .multiply(BigInteger.valueOf(before))
                .divide(BigInteger.valueOf(10_000));
        assertThat(payments.balanceOf(provider.address().toString()))
            .isEqualTo(STEP.baseUnits().subtract(fee));
      }
    }
  }

  /** A provider that clears by neither value nor age today: only being hurried makes it clear. */
  private static ProviderNode unhurried(LocalNetwork network) throws Exception {
    return network.startProvider(
        new LocalNetwork.ProviderSpec("DE", 1, "0.01"),
        SessionEvents.none(),
        new ClearingPolicy(Myst.parse("1000"), Duration.ofDays(1), Duration.ofMillis(200)));
  }
}
