package network.mysterium.chain;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.PublicKeyDirectory;
import network.mysterium.messaging.ReplayFloor;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public keys of registered identities, from the chain index: who may talk to this node. Lookups
 * are cached in memory (bounded, least recently used out), so a datagram from a known peer costs no
 * database query: the single connection's lock is shared with chain indexing. A registration never
 * changes once made, so a key is kept long; "not registered" only briefly, as it may change soon.
 */
public final class RegistryDirectory implements PublicKeyDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryDirectory.class);
  static final int CACHE_ENTRIES = 16_384;
  static final long KNOWN_NANOS = Duration.ofMinutes(10).toNanos();
  static final long UNKNOWN_NANOS = Duration.ofSeconds(5).toNanos();

  private record Cached(Optional<PublicKey> key, long expiresNanos) {}

  private final RegisteredIdentities registry;
  private final Map<Address, Cached> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Address, Cached> eldest) {
          return size() > CACHE_ENTRIES;
        }
      };

  public RegistryDirectory(RegisteredIdentities registry) {
    this.registry = registry;
  }

  /**
   * A messenger for this identity that talks only with registered identities (keys from the chain),
   * refusing messages more than a minute off the clock. Replay protection lasts only as long as the
   * process.
   */
  public static Messenger messenger(PrivateKey key, RegisteredIdentities registry) {
    return messenger(key, registry, ReplayFloor.inMemory());
  }

  /** As above, with replay protection across restarts kept in a file beside the database. */
  public static Messenger messenger(
      PrivateKey key, RegisteredIdentities registry, Path databaseFile) {
    return messenger(
        key,
        registry,
        ReplayFloor.file(databaseFile.resolveSibling("replay-floor-" + key.address())));
  }

  private static Messenger messenger(
      PrivateKey key, RegisteredIdentities registry, ReplayFloor floor) {
    return new Messenger(
        key,
        new RegistryDirectory(registry),
        true,
        Duration.ofSeconds(60),
        Clock.systemUTC(),
        new SecureRandom(),
        floor);
  }

  @Override
  public Optional<PublicKey> publicKey(Address identity) {
    long now = System.nanoTime();
    synchronized (cache) {
      Cached cached = cache.get(identity);
      if (cached != null && now - cached.expiresNanos() < 0) {
        return cached.key();
      }
    }
    Optional<PublicKey> key;
    try {
      key = registry.registration(identity).map(r -> PublicKey.parse(r.publicKey()));
    } catch (StoreException e) {
      LOG.warn("registry lookup of {} failed: {}", identity, e.getMessage());
      return Optional.empty(); // not cached: the next datagram asks again
    }
    synchronized (cache) {
      cache.put(identity, new Cached(key, now + (key.isPresent() ? KNOWN_NANOS : UNKNOWN_NANOS)));
    }
    return key;
  }
}
