package network.mysterium.contracts;

import java.math.BigInteger;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Registration of identities for a MYST stake (whitepaper 6.3). */
public final class IdentityRegistryContract extends ContractBinding {
  public IdentityRegistryContract(EthereumClient client, String address) {
    super(client, address);
  }

  /**
   * @param publicKey 64 bytes x || y
   * @param signature the identity's EIP-712 signature of Registration(identity, payer, stake)
   */
  public TransactionReceipt register(Credentials payer, byte[] publicKey, byte[] signature)
      throws ChainException {
    return client.send(payer, registerCall(publicKey, signature));
  }

  public ContractCall registerCall(byte[] publicKey, byte[] signature) {
    return encode("register", new DynamicBytes(publicKey), new DynamicBytes(signature));
  }

  public boolean isRegistered(String identity) throws ChainException {
    return callBool("isRegistered", address(identity));
  }

  public BigInteger stakeOf(String identity) throws ChainException {
    return callUint("stakeOf", address(identity));
  }

  /** Whether a promise it signed was cleared against its stake since it last registered. */
  public boolean isDefaulted(String identity) throws ChainException {
    return callBool("isDefaulted", address(identity));
  }

  /** The payments contract, the only one that may take a stake. */
  public String payments() throws ChainException {
    return callAddress("payments");
  }

  public BigInteger registrationStake() throws ChainException {
    return callUint("registrationStake");
  }

  public TransactionReceipt setRegistrationStake(Credentials owner, BigInteger stake)
      throws ChainException {
    return send(owner, "setRegistrationStake", uint(stake));
  }
}
