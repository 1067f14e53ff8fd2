package network.mysterium.service.wireguard;

/**
 * Why a handshake message was not answered (counted by the device, matched by code, never text).
 */
public enum HandshakeRefusal {
  /** Wrong length or type. */
  MALFORMED,
  /** mac1 is not this device's: garbage, or meant for another key. Costs one BLAKE2s. */
  BAD_MAC1,
  /** Under load without a valid mac2: answered with a cookie reply, no Diffie-Hellman. */
  COOKIE_SENT,
  /** Under load, valid mac2, but its source sent more than its share of initiations. */
  RATE_LIMITED,
  /** A peer's initiations came faster than 50 a second (the kernel's INITIATIONS_PER_SECOND). */
  FLOOD,
  /** An ephemeral or static key of low order (X25519 gives all zeros). */
  LOW_ORDER_POINT,
  /** The encrypted parts do not authenticate. */
  NOT_AUTHENTIC,
  /** An initiation from a static key that is not one of the device's peers. */
  UNKNOWN_PEER,
  /** A timestamp not newer than the peer's last. */
  REPLAY,
  /** A response to a handshake this side did not start (or no longer waits for). */
  WRONG_HANDSHAKE
}
