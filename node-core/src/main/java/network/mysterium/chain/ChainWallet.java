package network.mysterium.chain;

import java.math.BigInteger;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.IdentityRegistryContract;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * One unlocked identity's dealings with the contracts: registering it, its MYST wallet and its
 * payments account. The identity pays its own gas.
 */
public final class ChainWallet {
  /** What an identity holds on chain. */
  public record Balances(
      BigInteger etherWei, Myst wallet, Myst paymentsAccount, boolean registered, Myst stake) {}

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
        Myst.ofBaseUnits(registry.stakeOf(address)));
  }

  /** Registers the identity, paying the current stake from its own MYST wallet. */
  public TransactionReceipt register(PrivateKey identity) throws ChainException {
    Credentials credentials = ChainAccounts.credentials(identity);
    BigInteger stake = registry.registrationStake();
    approveIfNeeded(credentials, deployment.identityRegistry(), stake);
    byte[] signature =
        ContractMessages.registration(
                ContractMessages.Domain.identityRegistry(
                    deployment.chainId(), Address.parse(deployment.identityRegistry())),
                identity.address(),
                identity.address(),
                stake)
            .sign(identity)
            .toBytes();
    return registry.register(credentials, identity.publicKey().toUncompressedXy(), signature);
  }

  /** Moves MYST from the identity's wallet into the payments account of {@code beneficiary}. */
  public TransactionReceipt deposit(PrivateKey from, Address beneficiary, Myst amount)
      throws ChainException {
    Credentials credentials = ChainAccounts.credentials(from);
    approveIfNeeded(credentials, deployment.payments(), amount.baseUnits());
    return payments.deposit(credentials, beneficiary.toString(), amount.baseUnits());
  }

  /** Sends MYST from the identity's payments account to any address, by its signature. */
  public TransactionReceipt withdraw(PrivateKey identity, Address to, Myst amount)
      throws ChainException {
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
    return payments.withdraw(
        ChainAccounts.credentials(identity),
        identity.address().toString(),
        to.toString(),
        amount.baseUnits(),
        signature);
  }

  private void approveIfNeeded(Credentials owner, String spender, BigInteger amount)
      throws ChainException {
    if (token.allowance(owner.getAddress(), spender).compareTo(amount) < 0) {
      token.approve(owner, spender, amount);
    }
  }
}
