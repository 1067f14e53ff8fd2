package network.mysterium.chain;

import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PublicKey;
import network.mysterium.messaging.PublicKeyDirectory;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Public keys of registered identities, from the chain index: who may talk to this node. */
public final class RegistryDirectory implements PublicKeyDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryDirectory.class);
  private final RegisteredIdentities registry;

  public RegistryDirectory(RegisteredIdentities registry) {
    this.registry = registry;
  }

  @Override
  public Optional<PublicKey> publicKey(Address identity) {
    try {
      return registry.registration(identity).map(r -> PublicKey.parse(r.publicKey()));
    } catch (StoreException e) {
      LOG.warn("registry lookup of {} failed: {}", identity, e.getMessage());
      return Optional.empty();
    }
  }
}
