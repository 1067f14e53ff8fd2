package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Wallet actions as steps, each estimated before it is sent (what the app shows to confirm): the
 * estimate covers what the mined transaction cost, approvals come first, and an identity without
 * ETH for the gas is told so before anything is sent.
 */
@ExtendWith(AnvilExtension.class)
class ChainWalletTest {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private final SecureRandom random = new SecureRandom();
  private EthereumClient client;
  private Deployment deployment;
  private Credentials deployer;
  private Anvil anvil;

  @BeforeEach
  void setUp(Anvil anvil) throws Exception {
    this.anvil = anvil;
    client = EthereumClient.connect(anvil.rpcUrl());
    deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
    deployment = TestContracts.deploy(client, deployer);
  }

  private PrivateKey funded(BigInteger wei, BigInteger myst) throws Exception {
    PrivateKey key = PrivateKey.generate(random);
    anvil.setBalance(key.address().toString(), wei);
    new MystTokenContract(client, deployment.token())
        .transfer(deployer, key.address().toString(), myst);
    return key;
  }

  @Test
  void depositIsAnApprovalThenTheDepositEachEstimatedAtLeastAtWhatItCost() throws Exception {
    PrivateKey you = funded(ETHER, ETHER.multiply(BigInteger.TEN));
    ChainWallet wallet = new ChainWallet(client, deployment);

    ChainWallet.Step approval = wallet.nextDepositStep(you, you.address(), Myst.parse("2"));
    assertThat(approval.kind()).isEqualTo(ChainWallet.StepKind.APPROVE_DEPOSIT);
    assertThat(approval.last()).isFalse();
    assertThat(approval.amount()).isEqualTo(Myst.parse("2"));
    assertCovers(approval, wallet.send(you, approval));

    ChainWallet.Step deposit = wallet.nextDepositStep(you, you.address(), Myst.parse("2"));
    assertThat(deposit.kind()).isEqualTo(ChainWallet.StepKind.DEPOSIT);
    assertThat(deposit.last()).isTrue();
    assertCovers(deposit, wallet.send(you, deposit));
    assertThat(wallet.balances(you.address()).paymentsAccount()).isEqualTo(Myst.parse("2"));

    ChainWallet.Step withdrawal =
        wallet.withdrawalStep(
            you, network.mysterium.crypto.Address.parse(deployer.getAddress()), Myst.parse("0.5"));
    assertCovers(withdrawal, wallet.send(you, withdrawal));
    // requested: held until the notice has passed, then completed
    assertThat(wallet.balances(you.address()).paymentsAccount()).isEqualTo(Myst.parse("2"));
    assertThat(wallet.balances(you.address()).pendingWithdrawal())
        .hasValueSatisfying(p -> assertThat(p.amount()).isEqualTo(Myst.parse("0.5")));
    client.advanceTimeOnDevChain(
        network.mysterium.contracts.Deployer.Parameters.LOCAL_WITHDRAWAL_NOTICE);
    ChainWallet.Step completion = wallet.completionStep(you);
    assertThat(completion.kind()).isEqualTo(ChainWallet.StepKind.COMPLETE_WITHDRAWAL);
    assertCovers(completion, wallet.send(you, completion));
    assertThat(wallet.balances(you.address()).paymentsAccount()).isEqualTo(Myst.parse("1.5"));
    assertThat(wallet.balances(you.address()).pendingWithdrawal()).isEmpty();
  }

  @Test
  void registrationApprovesTheStakeThenRegisters() throws Exception {
    PrivateKey you = funded(ETHER, ETHER.multiply(BigInteger.TEN));
    ChainWallet wallet = new ChainWallet(client, deployment);
    ChainWallet.Step first = wallet.nextRegistrationStep(you);
    assertThat(first.kind()).isEqualTo(ChainWallet.StepKind.APPROVE_STAKE);
    assertThat(first.amount()).isEqualTo(Myst.parse("1"));
    wallet.send(you, first);
    ChainWallet.Step register = wallet.nextRegistrationStep(you);
    assertThat(register.kind()).isEqualTo(ChainWallet.StepKind.REGISTER);
    assertCovers(register, wallet.send(you, register));
    assertThat(wallet.balances(you.address()).registered()).isTrue();
  }

  @Test
  void anIdentityWithoutEtherForTheGasIsToldBeforeAnythingIsSent() throws Exception {
    PrivateKey you = funded(BigInteger.ZERO, ETHER);
    ChainWallet wallet = new ChainWallet(client, deployment);
    long before = client.blockNumber();
    assertThatThrownBy(() -> wallet.deposit(you, you.address(), Myst.parse("1")))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("not enough ETH for the fee")
        .hasMessageContaining("holds 0");
    assertThat(client.blockNumber()).isEqualTo(before);
  }

  @Test
  void aDepositOfMoreThanTheWalletHoldsIsRefusedAtTheEstimate() throws Exception {
    PrivateKey you = funded(ETHER, ETHER);
    ChainWallet wallet = new ChainWallet(client, deployment);
    wallet.send(you, wallet.nextDepositStep(you, you.address(), Myst.parse("5")));
    assertThatThrownBy(() -> wallet.nextDepositStep(you, you.address(), Myst.parse("5")))
        .isInstanceOf(ChainException.class);
  }

  private static void assertCovers(ChainWallet.Step step, TransactionReceipt receipt) {
    assertThat(receipt.isStatusOK()).isTrue();
    assertThat(step.fee().gas()).isGreaterThanOrEqualTo(receipt.getGasUsed());
    BigInteger paid =
        receipt
            .getGasUsed()
            .multiply(
                receipt.getEffectiveGasPrice() == null
                    ? step.fee().maxFeePerGas()
                    : new BigInteger(receipt.getEffectiveGasPrice().substring(2), 16));
    assertThat(step.fee().maxWei()).isGreaterThanOrEqualTo(paid).isPositive();
  }
}
