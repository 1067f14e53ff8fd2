package network.mysterium.chain;

import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import network.mysterium.crypto.Address;
import network.mysterium.store.StoreException;

/** Which identities are registered on-chain, and with which public key (whitepaper 6.3). */
public interface RegisteredIdentities {
  Optional<ChainIndex.Registration> registration(Address identity) throws StoreException;

  /** Those of the candidates that are registered: one lookup for a whole batch of proposals. */
  default Set<Address> registeredAmong(Collection<Address> candidates) throws StoreException {
    Set<Address> registered = new HashSet<>();
    for (Address candidate : candidates) {
      if (registration(candidate).isPresent()) {
        registered.add(candidate);
      }
    }
    return registered;
  }
}
