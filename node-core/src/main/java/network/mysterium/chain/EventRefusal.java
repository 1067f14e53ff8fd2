package network.mysterium.chain;

/**
 * Why the follower skipped a log of a followed event: anyone who can send a transaction chooses
 * what goes into it, so these are counted and passed over, never thrown through the follower.
 */
public enum EventRefusal {
  /** Topics or ABI data that do not decode as the event's types. */
  MALFORMED,
  /** An announcement's serial above what a proposal can carry (a signed 64-bit number). */
  SERIAL_OUT_OF_RANGE,
  /** An announcement larger than the service registry accepts. */
  OVERSIZED,
  /** A registration whose public key is not 64 bytes or does not hash to the identity. */
  PUBLIC_KEY_MISMATCH
}
