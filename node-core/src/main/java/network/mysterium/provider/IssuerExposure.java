package network.mysterium.provider;

import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;

/**
 * What a provider knows of one consumer's promises (whitepaper 6.5.6), as its risk check counts
 * them: {@code heldHere}, promised to this provider and not cleared; {@code heldByOthers}, what
 * other providers reported holding uncleared (counted only when the offer shares exposure, else
 * zero); {@code spendable}, the consumer's payments account less a pending withdrawal and less
 * {@code heldByOthers}; {@code left}, how much more this provider would accept from it now (the
 * smaller of its exposure cap and {@code spendable}, less {@code heldHere}; never below zero).
 * {@code inSession}: the consumer has a session open here now.
 */
public record IssuerExposure(
    Address consumer,
    boolean inSession,
    Myst heldHere,
    Myst heldByOthers,
    Myst spendable,
    Myst left) {}
