// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

/// Test fixture: emits the events of the Mysterium contracts with their exact signatures, many
/// per transaction if asked, so the follower's tests and ingest benchmark do not depend on
/// transaction throughput. Never deployed outside tests.
contract EventFixture {
    event IdentityRegistered(address indexed identity, address indexed payer, bytes publicKey, uint256 stake);
    event ProposalAnnounced(address indexed provider, uint64 indexed serial, bytes proposal);
    event Deposited(address indexed identity, address indexed from, uint256 amount);
    event PromiseCleared(
        address indexed issuer, address indexed benefiter, uint256 serial, uint256 amount, uint256 paid, uint256 fee
    );
    event Withdrawn(address indexed identity, address indexed to, uint256 amount, uint256 nonce);

    function register(address identity, bytes calldata publicKey, uint256 stake) external {
        emit IdentityRegistered(identity, msg.sender, publicKey, stake);
    }

    function announce(uint64 serial, bytes calldata proposal) external {
        emit ProposalAnnounced(msg.sender, serial, proposal);
    }

    function deposit(address identity, uint256 amount) external {
        emit Deposited(identity, msg.sender, amount);
    }

    function clear(address issuer, address benefiter, uint256 serial, uint256 paid, uint256 fee) external {
        emit PromiseCleared(issuer, benefiter, serial, paid, paid, fee);
    }

    function withdraw(address identity, address to, uint256 amount) external {
        emit Withdrawn(identity, to, amount, 0);
    }

    /// `count` deposits of 1 base unit each, in one transaction.
    function depositMany(address identity, uint256 count) external {
        for (uint256 i = 0; i < count; i++) {
            emit Deposited(identity, msg.sender, 1);
        }
    }

    /// Any log at all, as a hostile contract (or a lying RPC) could produce one: 0 to 4 topics
    /// and raw data, for the decoder's robustness tests.
    function rawLog(bytes32[] calldata topics, bytes calldata data) external {
        bytes memory d = data;
        uint256 n = topics.length;
        bytes32 t0 = n > 0 ? topics[0] : bytes32(0);
        bytes32 t1 = n > 1 ? topics[1] : bytes32(0);
        bytes32 t2 = n > 2 ? topics[2] : bytes32(0);
        bytes32 t3 = n > 3 ? topics[3] : bytes32(0);
        assembly {
            let p := add(d, 32)
            let len := mload(d)
            switch n
            case 0 { log0(p, len) }
            case 1 { log1(p, len, t0) }
            case 2 { log2(p, len, t0, t1) }
            case 3 { log3(p, len, t0, t1, t2) }
            default { log4(p, len, t0, t1, t2, t3) }
        }
    }
}
