package network.mysterium.relay;

/** Why a punch frame was dropped: counted, never matched by text. */
public enum PunchRefusal {
  /** Too short, or a frame this node does not know. */
  MALFORMED,
  /** A PUNCH from a source no identity has authenticated from lately. */
  UNAUTHENTICATED_SOURCE,
  /** A target in a narrower scope than the source (a relay on the Internet naming a LAN host). */
  NARROWER_SCOPE,
  /** More punches for one identity than {@link PunchingChannel#PUNCHES_PER_MINUTE}. */
  RATE_LIMITED,
  /** A probe or answer for no punch this node has under way. */
  UNKNOWN_NONCE,
  /** A probe or answer from another host than the punch names. */
  WRONG_SOURCE
}
