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
        /// A promise it signed could not be paid from its balance and was cleared against its
        /// stake (whitepaper 6.5.6): nodes drop its proposals and refuse its promises until it
        /// registers again with a new stake.
        bool defaulted;
        uint240 stake;
    }

    mapping(address identity => Registration) private registrations;

    /// The payments contract, the only one that may take a stake (set once by the owner).
    address public payments;

    event IdentityRegistered(address indexed identity, address indexed payer, bytes publicKey, uint256 stake);
    event RegistrationStakeChanged(uint256 previous, uint256 current);
    event IdentityDefaulted(address indexed identity, address indexed benefiter, uint256 taken);
    event PaymentsSet(address payments);

    error InvalidPublicKey();
    error NotSignedByIdentity();
    error AlreadyRegistered(address identity);
    error StakeTooHigh(uint256 stake);
    error NotPayments();
    error PaymentsAlreadySet();

    constructor(IERC20 token_, uint256 stake, address owner_) Ownable(owner_) {
        if (stake > type(uint240).max) revert StakeTooHigh(stake);
        token = token_;
        registrationStake = stake;
    }

    /// @param publicKey the 64-byte uncompressed secp256k1 key (x || y, without 0x04)
    function register(bytes calldata publicKey, bytes calldata signature) external {
        if (publicKey.length != 64) revert InvalidPublicKey();
        address identity = address(uint160(uint256(keccak256(publicKey))));
        Registration memory previous = registrations[identity];
        // a defaulted identity may register again, with a new stake on top of what is left
        if (previous.registered && !previous.defaulted) revert AlreadyRegistered(identity);
        uint256 stake = registrationStake;
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(REGISTRATION_TYPEHASH, identity, msg.sender, stake)));
        if (ECDSA.recover(digest, signature) != identity) revert NotSignedByIdentity();
        registrations[identity] = Registration(true, false, uint240(previous.stake + stake));
        emit IdentityRegistered(identity, msg.sender, publicKey, stake);
        token.safeTransferFrom(msg.sender, address(this), stake);
    }

    function isRegistered(address identity) external view returns (bool) {
        return registrations[identity].registered;
    }

    function stakeOf(address identity) external view returns (uint256) {
        return registrations[identity].stake;
    }

    function isDefaulted(address identity) external view returns (bool) {
        return registrations[identity].defaulted;
    }

    function setPayments(address payments_) external onlyOwner {
        if (payments != address(0)) revert PaymentsAlreadySet();
        payments = payments_;
        emit PaymentsSet(payments_);
    }

    /// Called by the payments contract for a promise the identity's balance could not pay: takes
    /// up to `amount` of its stake (sent to the payments contract, which credits the benefiter) and
    /// marks it defaulted.
    function takeStake(address identity, address benefiter, uint256 amount) external returns (uint256 taken) {
        if (msg.sender != payments) revert NotPayments();
        Registration memory r = registrations[identity];
        if (!r.registered) return 0; // nothing at stake: the clearing pays the balance only
        taken = amount < r.stake ? amount : r.stake;
        registrations[identity] = Registration(true, true, uint240(r.stake - taken));
        emit IdentityDefaulted(identity, benefiter, taken);
        if (taken != 0) token.safeTransfer(msg.sender, taken);
    }

    function setRegistrationStake(uint256 stake) external onlyOwner {
        if (stake > type(uint240).max) revert StakeTooHigh(stake);
        emit RegistrationStakeChanged(registrationStake, stake);
        registrationStake = stake;
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}
