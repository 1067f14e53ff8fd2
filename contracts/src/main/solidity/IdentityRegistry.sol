// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// Whitepaper 6.3: an identity registers its public key for a stake of MYST. Nodes index the
/// event to learn every identity's key.
contract IdentityRegistry is Ownable, EIP712("Mysterium Identity Registry", "1") {
    using SafeERC20 for IERC20;

    /// The identity signs who pays and how much, so a copied signature is useless to anyone
    /// else (no registering someone's key for them, no front-running).
    bytes32 private constant REGISTRATION_TYPEHASH =
        keccak256("Registration(address identity,address payer,uint256 stake)");

    IERC20 public immutable token;
    uint256 public registrationStake;
    /// One storage slot per identity: registering writes a single new slot.
    struct Registration {
        bool registered;
        uint248 stake;
    }

    mapping(address identity => Registration) private registrations;

    event IdentityRegistered(address indexed identity, address indexed payer, bytes publicKey, uint256 stake);
    event RegistrationStakeChanged(uint256 previous, uint256 current);

    error InvalidPublicKey();
    error NotSignedByIdentity();
    error AlreadyRegistered(address identity);
    error StakeTooHigh(uint256 stake);

    constructor(IERC20 token_, uint256 stake, address owner_) Ownable(owner_) {
        if (stake > type(uint248).max) revert StakeTooHigh(stake);
        token = token_;
        registrationStake = stake;
    }

    /// @param publicKey the 64-byte uncompressed secp256k1 key (x || y, without 0x04)
    function register(bytes calldata publicKey, bytes calldata signature) external {
        if (publicKey.length != 64) revert InvalidPublicKey();
        address identity = address(uint160(uint256(keccak256(publicKey))));
        if (registrations[identity].registered) revert AlreadyRegistered(identity);
        uint256 stake = registrationStake;
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(REGISTRATION_TYPEHASH, identity, msg.sender, stake)));
        if (ECDSA.recover(digest, signature) != identity) revert NotSignedByIdentity();
        registrations[identity] = Registration(true, uint248(stake));
        emit IdentityRegistered(identity, msg.sender, publicKey, stake);
        token.safeTransferFrom(msg.sender, address(this), stake);
    }

    function isRegistered(address identity) external view returns (bool) {
        return registrations[identity].registered;
    }

    function stakeOf(address identity) external view returns (uint256) {
        return registrations[identity].stake;
    }

    function setRegistrationStake(uint256 stake) external onlyOwner {
        if (stake > type(uint248).max) revert StakeTooHigh(stake);
        emit RegistrationStakeChanged(registrationStake, stake);
        registrationStake = stake;
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}
