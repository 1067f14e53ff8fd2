package network.mysterium.contracts;

import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The MYST token (ERC-20). */
public final class MystTokenContract extends ContractBinding {
  public MystTokenContract(EthereumClient client, String address) {
    super(client, address);
  }

  public BigInteger balanceOf(String owner) throws ChainException {
    return callUint("balanceOf", address(owner));
  }

  public BigInteger totalSupply() throws ChainException {
    return callUint("totalSupply");
  }

  public BigInteger allowance(String owner, String spender) throws ChainException {
    return callUint("allowance", address(owner), address(spender));
  }

  public TransactionReceipt approve(Credentials owner, String spender, BigInteger amount)
      throws ChainException {
    return client.send(owner, approveCall(spender, amount));
  }

  public ContractCall approveCall(String spender, BigInteger amount) {
    return encode("approve", address(spender), uint(amount));
  }

  public TransactionReceipt transfer(Credentials from, String to, BigInteger amount)
      throws ChainException {
    return send(from, "transfer", address(to), uint(amount));
  }
}
