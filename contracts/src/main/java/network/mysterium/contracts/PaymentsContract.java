package network.mysterium.contracts;

import java.math.BigInteger;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.generated.Uint16;
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

  /** Sends from the identity's account to {@code to}, with the identity's Withdrawal signature. */
  public TransactionReceipt withdraw(
      Credentials sender, String identity, String to, BigInteger amount, byte[] signature)
      throws ChainException {
    return client.send(sender, withdrawCall(identity, to, amount, signature));
  }

  public ContractCall withdrawCall(
      String identity, String to, BigInteger amount, byte[] signature) {
    return encode(
        "withdraw", address(identity), address(to), uint(amount), new DynamicBytes(signature));
  }

  public TransactionReceipt setFee(Credentials owner, String feeAccount, int basisPoints)
      throws ChainException {
    return send(owner, "setFee", address(feeAccount), new Uint16(basisPoints));
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
