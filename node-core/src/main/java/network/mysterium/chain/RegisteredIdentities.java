package network.mysterium.chain;

import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.store.StoreException;

/** Which identities are registered on-chain, and with which public key (whitepaper 6.3). */
public interface RegisteredIdentities {
  Optional<ChainIndex.Registration> registration(Address identity) throws StoreException;
}
