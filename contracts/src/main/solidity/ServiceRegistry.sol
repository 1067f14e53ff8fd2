// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IdentityRegistry} from "./IdentityRegistry.sol";

/// Whitepaper 6.4: providers announce signed service proposals. Nothing is stored: every node
/// follows the events, verifies the proposal's own signature and indexes it.
contract ServiceRegistry {
    IdentityRegistry public immutable registry;

    /// Every node stores what it follows: an announcement is bounded (a real signed proposal,
    /// eight contacts included, is about 650 bytes; the rest is room for newer formats).
    uint256 public constant MAX_PROPOSAL_BYTES = 2048;
    /// A proposal's serial is a positive signed 64-bit number (int64 in most languages' decoders).
    uint64 public constant MAX_SERIAL = uint64(type(int64).max);

    event ProposalAnnounced(address indexed provider, uint64 indexed serial, bytes proposal);

    error NotRegistered(address identity);
    error SerialOutOfRange(uint64 serial);
    error ProposalSizeOutOfRange(uint256 length);

    constructor(IdentityRegistry registry_) {
        registry = registry_;
    }

    /// The sender is the provider: only registered identities may announce.
    function announce(uint64 serial, bytes calldata proposal) external {
        if (serial == 0 || serial > MAX_SERIAL) revert SerialOutOfRange(serial);
        if (proposal.length == 0 || proposal.length > MAX_PROPOSAL_BYTES) revert ProposalSizeOutOfRange(proposal.length);
        if (!registry.isRegistered(msg.sender)) revert NotRegistered(msg.sender);
        emit ProposalAnnounced(msg.sender, serial, proposal);
    }
}
