package network.mysterium.contracts;

import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Every identity's payments account, and the clearing of promises (whitepaper 6.5). */
public final class PaymentsContract extends ContractBinding {
  public PaymentsContract(EthereumClient client, String address) {
    super(client, address);
  }

  /** Pulls {@code amount} MYST from the sender (approve it first) into the identity's account. */
  public TransactionReceipt deposit(Credentials from, String identity, BigInteger amount)
      throws ChainException {
    return client.send(from, depositCall(identity, amount));
  }

  public ContractCall depositCall(String identity, BigInteger amount) {
    return encode("deposit", address(identity), uint(amount));
  }

  /** The promise (issuer, benefiter, serial, amount) with both parties' EIP-712 signatures. */
  public TransactionReceipt clearPromise(
      Credentials sender,
      String issuer,
      String benefiter,
      BigInteger serial,
      BigInteger amount,
      boolean acceptPartial,
      byte[] issuerSignature,
      byte[] benefiterSignature)
      throws ChainException {
    return send(
        sender,
        "clearPromise",
        address(issuer),
        address(benefiter),
        uint(serial),
        uint(amount),
        new Bool(acceptPartial),
        new DynamicBytes(issuerSignature),
        new DynamicBytes(benefiterSignature));
  }

  /**
   * Clears, as the sender's own claim (the sender is the benefiter), promises from any number of
   * issuers in one transaction; those that cannot clear are skipped, each with its reason.
   */
  public BatchClearing.Outcome clearPromises(
      Credentials benefiter, List<BatchClearing.IssuedPromise> promises, boolean acceptPartial)
      throws ChainException {
    TransactionReceipt receipt =
        client.send(benefiter, BatchClearing.call(address, promises, acceptPartial));
    return BatchClearing.outcome(address, receipt);
  }

  /**
   * Asks to send from the identity's account to {@code to} once the notice has passed, with the
   * identity's Withdrawal signature; replaces a pending request.
   */
  public TransactionReceipt requestWithdrawal(
      Credentials sender, String identity, String to, BigInteger amount, byte[] signature)
      throws ChainException {
    return client.send(sender, requestWithdrawalCall(identity, to, amount, signature));
  }

  public ContractCall requestWithdrawalCall(
      String identity, String to, BigInteger amount, byte[] signature) {
    return encode(
        "requestWithdrawal",
        address(identity),
        address(to),
        uint(amount),
        new DynamicBytes(signature));
  }

  /** Sends a pending withdrawal whose notice has passed (anyone may). */
  public TransactionReceipt completeWithdrawal(Credentials sender, String identity)
      throws ChainException {
    return client.send(sender, completeWithdrawalCall(identity));
  }

  public ContractCall completeWithdrawalCall(String identity) {
    return encode("completeWithdrawal", address(identity));
  }

  /** A requested withdrawal: where to, how much, when it can complete (seconds since 1970). */
  public record PendingWithdrawal(String to, BigInteger amount, long completableAt, long nonce) {
    public boolean exists() {
      return amount.signum() > 0;
    }
  }

  public PendingWithdrawal pendingWithdrawal(String identity) throws ChainException {
    List<Type> values =
        call(
            "pendingWithdrawal",
            List.<Type>of(address(identity)),
            List.of(
                new TypeReference<org.web3j.abi.datatypes.Address>() {},
                new TypeReference<Uint64>() {},
                new TypeReference<Uint32>() {},
                new TypeReference<Uint256>() {}));
    return new PendingWithdrawal(
        values.get(0).getValue().toString(),
        (BigInteger) values.get(3).getValue(),
        ((BigInteger) values.get(1).getValue()).longValueExact(),
        ((BigInteger) values.get(2).getValue()).longValueExact());
  }

  /** The balance less a pending withdrawal: what providers may count on. */
  public BigInteger spendableBalance(String identity) throws ChainException {
    return callUint("spendableBalance", address(identity));
  }

  /** How long a requested withdrawal waits, in seconds. */
  public long withdrawalNotice() throws ChainException {
    return callUint("withdrawalNotice").longValueExact();
  }

  public TransactionReceipt setFee(Credentials owner, String feeAccount, int basisPoints)
      throws ChainException {
    return send(owner, "setFee", address(feeAccount), new Uint16(basisPoints));
  }

  /** Applies a scheduled fee increase once its notice has passed (anyone may). */
  public TransactionReceipt applyScheduledFee(Credentials sender) throws ChainException {
    return send(sender, "applyScheduledFee");
  }

  /** A fee increase that applies from {@code effectiveAt} (seconds since 1970); none when 0. */
  public record ScheduledFee(String feeAccount, int feeBasisPoints, long effectiveAt) {
    public boolean exists() {
      return effectiveAt != 0;
    }
  }

  public ScheduledFee scheduledFee() throws ChainException {
    List<Type> values =
        call(
            "scheduledFee",
            List.<Type>of(),
            List.of(
                new TypeReference<org.web3j.abi.datatypes.Address>() {},
                new TypeReference<Uint64>() {},
                new TypeReference<Uint16>() {}));
    return new ScheduledFee(
        values.get(0).getValue().toString(),
        ((BigInteger) values.get(2).getValue()).intValueExact(),
        ((BigInteger) values.get(1).getValue()).longValueExact());
  }

  /** Credits the fees accrued by clearings to the fee account's balance. */
  public TransactionReceipt collectFees(Credentials sender) throws ChainException {
    return send(sender, "collectFees");
  }

  /** Fees earned by clearings and not yet credited to the fee account. */
  public BigInteger feesAccrued() throws ChainException {
    return callUint("feesAccrued");
  }

  public BigInteger balanceOf(String identity) throws ChainException {
    return callUint("balanceOf", address(identity));
  }

  public BigInteger lastClearedSerial(String issuer, String benefiter) throws ChainException {
    return callUint("lastClearedSerial", address(issuer), address(benefiter));
  }

  public BigInteger withdrawalNonce(String identity) throws ChainException {
    return callUint("withdrawalNonce", address(identity));
  }

  public String feeAccount() throws ChainException {
    return callAddress("feeAccount");
  }

  public BigInteger feeBasisPoints() throws ChainException {
    return callUint("feeBasisPoints");
  }
}
