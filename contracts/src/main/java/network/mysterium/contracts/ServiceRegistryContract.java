package network.mysterium.contracts;

import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Announcement of signed service proposals (whitepaper 6.4). */
public final class ServiceRegistryContract extends ContractBinding {
  /** The most bytes one announcement may carry (ServiceRegistry.MAX_PROPOSAL_BYTES). */
  public static final int MAX_PROPOSAL_BYTES = 2048;

  /** The highest serial the registry accepts (ServiceRegistry.MAX_SERIAL): a signed 64-bit one. */
  public static final long MAX_SERIAL = Long.MAX_VALUE;

  public ServiceRegistryContract(EthereumClient client, String address) {
    super(client, address);
  }

  /** Sent by the provider itself, which must be a registered identity. */
  public TransactionReceipt announce(Credentials provider, long serial, byte[] proposal)
      throws ChainException {
    return send(provider, "announce", new Uint64(serial), new DynamicBytes(proposal));
  }
}
