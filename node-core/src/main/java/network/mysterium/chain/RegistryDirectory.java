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

  /**
   * A messenger for this identity that talks only with registered identities (keys from the chain),
   * refusing messages more than a minute off the clock.
   */
  public static network.mysterium.messaging.Messenger messenger(
      network.mysterium.crypto.PrivateKey key, RegisteredIdentities registry) {
    return new network.mysterium.messaging.Messenger(
        key,
        new RegistryDirectory(registry),
        true,
        java.time.Duration.ofSeconds(60),
        java.time.Clock.systemUTC(),
        new java.security.SecureRandom());
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
