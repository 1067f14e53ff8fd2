package network.mysterium.service.wireguard;

/**
 * The protocol's constants, as the WireGuard paper (section 6) and the kernel fix them; tuning of
 * this implementation stays with the classes it tunes.
 */
final class WireGuardSpec {
  private WireGuardSpec() {}

  static final long SECOND = 1_000_000_000L;
  static final long REKEY_AFTER_MESSAGES = 1L << 60;
  static final long REKEY_AFTER_TIME = 120 * SECOND;
  static final long REJECT_AFTER_TIME = 180 * SECOND;
  static final long REKEY_ATTEMPT_TIME = 90 * SECOND;
  static final long REKEY_TIMEOUT = 5 * SECOND;
  static final long KEEPALIVE_TIMEOUT = 10 * SECOND;
  static final long COOKIE_LIFETIME = 120 * SECOND;

  /** The kernel's INITIATIONS_PER_SECOND: a peer's initiations are taken at most this often. */
  static final long INITIATION_INTERVAL = SECOND / 50;
}
