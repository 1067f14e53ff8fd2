// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IdentityRegistry} from "./IdentityRegistry.sol";

/// Whitepaper 6.4: providers announce signed service proposals. Nothing is stored: every node
/// follows the events, verifies the proposal's own signature and indexes it.
contract ServiceRegistry {
    IdentityRegistry public immutable registry;

    event ProposalAnnounced(address indexed provider, uint64 indexed serial, bytes proposal);

    error NotRegistered(address identity);

    constructor(IdentityRegistry registry_) {
        registry = registry_;
    }

    /// The sender is the provider: only registered identities may announce.
    function announce(uint64 serial, bytes calldata proposal) external {
        if (!registry.isRegistered(msg.sender)) revert NotRegistered(msg.sender);
        emit ProposalAnnounced(msg.sender, serial, proposal);
    }
}
