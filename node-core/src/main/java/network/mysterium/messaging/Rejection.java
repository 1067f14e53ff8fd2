package network.mysterium.messaging;

/** Why a received datagram was refused. Every reason is counted ({@link RejectionCounters}). */
public enum Rejection {
  /** Larger than {@link Messenger#MAX_DATAGRAM_BYTES}. */
  OVERSIZE,
  /** Not a datagram, envelope or signature of this protocol, or an unknown wire version. */
  MALFORMED,
  /** Addressed to another identity. */
  WRONG_RECIPIENT,
  /** Does not decrypt with our key: encrypted to someone else, or altered. */
  UNDECRYPTABLE,
  /** The signature does not recover to the envelope's sender. */
  BAD_SIGNATURE,
  /** The sender is not a registered identity (when the registry lookup is on). */
  UNKNOWN_SENDER,
  /** Older or newer than the freshness window allows. */
  STALE,
  /** A message id already received within the freshness window. */
  REPLAYED,
  /** Over a rate or memory limit (per source address or per sender): dropped before any work. */
  RATE_LIMITED,
  /** The node's receive queue was full: dropped unopened. */
  OVERLOADED
}
