// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IdentityRegistry} from "./IdentityRegistry.sol";

/// Whitepaper 6.4: providers announce signed service proposals. Nothing is stored: every node
/// follows the events, and indexes a proposal only when its provider is registered (from the
/// registry's events it follows too) and the proposal's own signature is the provider's.
///
/// The registration is checked by the nodes, not here: a call to the registry would cost every
/// announcement, re-announcements included, about 5,000 gas (a cold account and a cold slot) to
/// repeat a check every node makes anyway from data it already holds; an unregistered sender
/// only pays for a log every node skips before any signature work.
contract ServiceRegistry {
    /// Where nodes learn who is registered (read by deployments; not called here).
    IdentityRegistry public immutable registry;

    /// Every node stores what it follows: an announcement is bounded (a real signed proposal,
    /// eight contacts included, is about 650 bytes; the rest is room for newer formats).
    uint256 public constant MAX_PROPOSAL_BYTES = 2048;
    /// A proposal's serial is a positive signed 64-bit number (int64 in most languages' decoders).
    uint64 public constant MAX_SERIAL = uint64(type(int64).max);

    event ProposalAnnounced(address indexed provider, uint64 indexed serial, bytes proposal);

    error SerialOutOfRange(uint64 serial);
    error ProposalSizeOutOfRange(uint256 length);

    constructor(IdentityRegistry registry_) {
        registry = registry_;
    }

    /// The sender is the provider; nodes index it only while the sender is registered.
    function announce(uint64 serial, bytes calldata proposal) external {
        if (serial == 0 || serial > MAX_SERIAL) revert SerialOutOfRange(serial);
        if (proposal.length == 0 || proposal.length > MAX_PROPOSAL_BYTES) revert ProposalSizeOutOfRange(proposal.length);
        emit ProposalAnnounced(msg.sender, serial, proposal);
    }
}
