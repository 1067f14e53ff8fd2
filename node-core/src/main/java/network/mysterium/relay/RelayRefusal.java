package network.mysterium.relay;

/** Why a relay refused a datagram (counted per reason; the first of each reason is logged). */
public enum RelayRefusal {
  /** Not a frame the relay knows, or cut short. */
  MALFORMED,
  /** A registration signed too long ago (or in the future), or its nonce seen before. */
  STALE_REGISTRATION,
  /** A registration whose signature is not the identity's. */
  BAD_SIGNATURE,
  /** The identity may not use this relay (e.g. not registered on chain, or defaulted). */
  NOT_ADMITTED,
  /** The relay serves as many allocations as it may. */
  FULL,
  /** A keepalive or TO frame with no current registration behind its token. */
  UNKNOWN_TOKEN,
  /** A TO frame to an address that has not sent to the allocation lately. */
  NO_PERMISSION,
  /** More bytes through an allocation than its rate allows. */
  OVER_RATE,
  /** More registrations from one source address than its rate allows. */
  REGISTRATION_RATE,
  /** Registrations waiting for verification fill the relay's queue. */
  BUSY
}
