package network.mysterium.chain;

import java.math.BigInteger;
import java.util.Optional;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.ContractCall;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.IdentityRegistryContract;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Convert;

/**
 * One unlocked identity's dealings with the contracts: registering it, its MYST wallet and its
 * payments account. The identity pays its own gas.
 */
public final class ChainWallet {
  /**
   * What an identity holds on chain; {@code pendingWithdrawal}: requested, not yet completed (the
   * payments account still holds it); {@code defaulted}: a promise it signed was cleared against
   * its stake (it must register again).
   */
  public record Balances(
      BigInteger etherWei,
      Myst wallet,
      Myst paymentsAccount,
      boolean registered,
      Myst stake,
      Optional<PendingWithdrawal> pendingWithdrawal,
      boolean defaulted) {}

  /** A requested withdrawal: where to, how much, and from when it can complete. */
  public record PendingWithdrawal(Address to, Myst amount, java.time.Instant completableAt) {}

  private final EthereumClient client;
  private final Deployment deployment;
  private final MystTokenContract token;
  private final IdentityRegistryContract registry;
  private final PaymentsContract payments;

  public ChainWallet(EthereumClient client, Deployment deployment) {
    this.client = client;
    this.deployment = deployment;
    this.token = new MystTokenContract(client, deployment.token());
    this.registry = new IdentityRegistryContract(client, deployment.identityRegistry());
    this.payments = new PaymentsContract(client, deployment.payments());
  }

  public Balances balances(Address identity) throws ChainException {
    String address = identity.toString();
    return new Balances(
        client.etherBalance(address),
        Myst.ofBaseUnits(token.balanceOf(address)),
        Myst.ofBaseUnits(payments.balanceOf(address)),
        registry.isRegistered(address),
        Myst.ofBaseUnits(registry.stakeOf(address)),
        pendingWithdrawal(identity),
        registry.isDefaulted(address));
  }

  public Optional<PendingWithdrawal> pendingWithdrawal(Address identity) throws ChainException {
    PaymentsContract.PendingWithdrawal pending = payments.pendingWithdrawal(identity.toString());
    if (!pending.exists()) {
      return Optional.empty();
    }
    return Optional.of(
        new PendingWithdrawal(
            Address.parse(pending.to()),
            Myst.ofBaseUnits(pending.amount()),
            java.time.Instant.ofEpochSecond(pending.completableAt())));
  }

  /** The chain's clock: its latest block's time. */
  public java.time.Instant chainTime() throws ChainException {
    return java.time.Instant.ofEpochSecond(client.latestBlockTime());
  }

  /** What one transaction of a wallet action does. */
  public enum StepKind {
    /** Lets the registry take the stake from the MYST wallet. */
    APPROVE_STAKE,
    REGISTER,
    /** Lets the payments contract take the deposit from the MYST wallet. */
    APPROVE_DEPOSIT,
    DEPOSIT,
    /** Requests a withdrawal: it completes after the deployment's notice. */
    WITHDRAW,
    /** Completes a requested withdrawal whose notice has passed. */
    COMPLETE_WITHDRAWAL
  }

  /**
   * The next transaction of a wallet action, with what it moves and its fee estimated; an approval
   * is followed by the action itself, which can only be estimated once the approval is mined.
   */
  public record Step(
      StepKind kind, Myst amount, ContractCall call, EthereumClient.FeeEstimate fee) {
    public boolean last() {
      return kind != StepKind.APPROVE_STAKE && kind != StepKind.APPROVE_DEPOSIT;
    }
  }

  /** Registers the identity, paying the current stake from its own MYST wallet. */
  public TransactionReceipt register(PrivateKey identity) throws ChainException {
    return completeAll(identity, () -> nextRegistrationStep(identity));
  }

  /** The next transaction of the registration: the stake's approval if needed, then registering. */
  public Step nextRegistrationStep(PrivateKey identity) throws ChainException {
    BigInteger stake = registry.registrationStake();
    Optional<Step> approval =
        approval(identity, deployment.identityRegistry(), stake, StepKind.APPROVE_STAKE);
    if (approval.isPresent()) {
      return approval.get();
    }
    byte[] signature =
        ContractMessages.registration(
                ContractMessages.Domain.identityRegistry(
                    deployment.chainId(), Address.parse(deployment.identityRegistry())),
                identity.address(),
                identity.address(),
                stake)
            .sign(identity)
            .toBytes();
    return step(
        identity,
        StepKind.REGISTER,
        Myst.ofBaseUnits(stake),
        registry.registerCall(identity.publicKey().toUncompressedXy(), signature));
  }

  /** Moves MYST from the identity's wallet into the payments account of {@code beneficiary}. */
  public TransactionReceipt deposit(PrivateKey from, Address beneficiary, Myst amount)
      throws ChainException {
    return completeAll(from, () -> nextDepositStep(from, beneficiary, amount));
  }

  /** The next transaction of a deposit: the amount's approval if needed, then the deposit. */
  public Step nextDepositStep(PrivateKey from, Address beneficiary, Myst amount)
      throws ChainException {
    Optional<Step> approval =
        approval(from, deployment.payments(), amount.baseUnits(), StepKind.APPROVE_DEPOSIT);
    if (approval.isPresent()) {
      return approval.get();
    }
    return step(
        from,
        StepKind.DEPOSIT,
        amount,
        payments.depositCall(beneficiary.toString(), amount.baseUnits()));
  }

  /**
   * Requests sending MYST from the identity's payments account to any address, by its signature; it
   * can complete after the deployment's notice ({@link #completeWithdrawal}).
   */
  public TransactionReceipt requestWithdrawal(PrivateKey identity, Address to, Myst amount)
      throws ChainException {
    return send(identity, withdrawalStep(identity, to, amount));
  }

  /** The withdrawal request's one transaction, signed for the account's withdrawal nonce. */
  public Step withdrawalStep(PrivateKey identity, Address to, Myst amount) throws ChainException {
    BigInteger nonce = payments.withdrawalNonce(identity.address().toString());
    byte[] signature =
        ContractMessages.withdrawal(
                ContractMessages.Domain.payments(
                    deployment.chainId(), Address.parse(deployment.payments())),
                identity.address(),
                to,
                amount.baseUnits(),
                nonce)
            .sign(identity)
            .toBytes();
    return step(
        identity,
        StepKind.WITHDRAW,
        amount,
        payments.requestWithdrawalCall(
            identity.address().toString(), to.toString(), amount.baseUnits(), signature));
  }

  /** Completes the identity's requested withdrawal once its notice has passed. */
  public TransactionReceipt completeWithdrawal(PrivateKey identity) throws ChainException {
    return send(identity, completionStep(identity));
  }

  /** The completion's one transaction (the amount: what was requested). */
  public Step completionStep(PrivateKey identity) throws ChainException {
    Myst amount =
        pendingWithdrawal(identity.address()).map(PendingWithdrawal::amount).orElse(Myst.ZERO);
    return step(
        identity,
        StepKind.COMPLETE_WITHDRAWAL,
        amount,
        payments.completeWithdrawalCall(identity.address().toString()));
  }

  /** Sends one step (the identity pays the gas) and waits until it is mined. */
  public TransactionReceipt send(PrivateKey identity, Step step) throws ChainException {
    return client.send(ChainAccounts.credentials(identity), step.call());
  }

  @FunctionalInterface
  private interface NextStep {
    Step next() throws ChainException;
  }

  private TransactionReceipt completeAll(PrivateKey identity, NextStep next) throws ChainException {
    while (true) {
      Step step = next.next();
      TransactionReceipt receipt = send(identity, step);
      if (step.last()) {
        return receipt;
      }
    }
  }

  private Optional<Step> approval(
      PrivateKey owner, String spender, BigInteger amount, StepKind kind) throws ChainException {
    if (token.allowance(owner.address().toString(), spender).compareTo(amount) >= 0) {
      return Optional.empty();
    }
    return Optional.of(
        step(owner, kind, Myst.ofBaseUnits(amount), token.approveCall(spender, amount)));
  }

  /**
   * Estimates a step's fee, and refuses it when the identity cannot pay that much gas: better said
   * before than as a failed transaction.
   */
  private Step step(PrivateKey identity, StepKind kind, Myst amount, ContractCall call)
      throws ChainException {
    String from = identity.address().toString();
    EthereumClient.FeeEstimate fee = client.estimate(from, call);
    BigInteger ether = client.etherBalance(from);
    if (ether.compareTo(fee.maxWei()) < 0) {
      throw new ChainException(
          "not enough ETH for the fee: up to "
              + Convert.fromWei(new java.math.BigDecimal(fee.maxWei()), Convert.Unit.ETHER)
                  .toPlainString()
              + " ETH is needed, the identity holds "
              + Convert.fromWei(new java.math.BigDecimal(ether), Convert.Unit.ETHER)
                  .toPlainString());
    }
    return new Step(kind, amount, call, fee);
  }
}
