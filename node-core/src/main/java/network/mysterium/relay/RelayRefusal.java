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
  /**
   * Registrations waiting for verification fill the relay's queue, or dial-backs waiting to name
   * their token fill theirs.
   */
  BUSY,
  // TCP splices (RelayTcp); new reasons go last: the REFUSED frame carries the ordinal
  /** A dial-back naming a token the relay did not give, gave to another, or that expired. */
  UNKNOWN_DIAL,
  /** A dial-back that named no token in time, or a dial its node did not answer in time. */
  DIAL_TIMEOUT,
  /** A connection to an allocation's TCP port while as many dials as it may wait for. */
  DIALS_PENDING,
  /** A connection to an allocation's TCP port while it (or the relay) holds all it may. */
  SPLICES_FULL
}
