package network.mysterium.contracts;

import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Announcement of signed service proposals (whitepaper 6.4). */
public final class ServiceRegistryContract extends ContractBinding {
  public ServiceRegistryContract(EthereumClient client, String address) {
    super(client, address);
  }

  /** Sent by the provider itself, which must be a registered identity. */
  public TransactionReceipt announce(Credentials provider, long serial, byte[] proposal)
      throws ChainException {
    return send(provider, "announce", new Uint64(serial), new DynamicBytes(proposal));
  }
}
