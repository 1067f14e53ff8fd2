// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// What Payments needs of the identity registry: the stake behind an identity's promises.
interface IStakes {
    function registrationStake() external view returns (uint256);
    function takeStake(address identity, address benefiter, uint256 amount) external returns (uint256 taken);
}

/// Whitepaper 6.5: one contract holds every identity's payments account. Consumers pay providers
/// with signed promises (issuer, benefiter, serial, amount); the benefiter clears them here.
contract Payments is Ownable, EIP712("Mysterium Payments", "1") {
    using SafeERC20 for IERC20;

    bytes32 private constant PROMISE_TYPEHASH =
        keccak256("Promise(address issuer,address benefiter,uint256 serial,uint256 amount)");
    /// Signed by the benefiter, so only it decides whether a short balance may pay partially
    /// (clearing a serial forfeits the rest of it).
    bytes32 private constant CLEARING_TYPEHASH =
        keccak256("Clearing(address issuer,address benefiter,uint256 serial,uint256 amount,bool acceptPartial)");
    bytes32 private constant WITHDRAWAL_TYPEHASH =
        keccak256("Withdrawal(address identity,address to,uint256 amount,uint256 nonce)");
    uint16 public constant MAX_FEE_BASIS_POINTS = 1000;

    IERC20 public immutable token;
    /// Whitepaper 6.5.6: a promise the issuer's balance cannot honour is paid from its stake, up to
    /// half the registration value per promise, and the identity is marked defaulted.
    IStakes public immutable registry;
    address public feeAccount;
    uint16 public feeBasisPoints;
    /// Fees not yet credited to the fee account. Kept in the slot clearing reads anyway (with
    /// feeAccount and feeBasisPoints), so a clearing writes no extra cold slot; collectFees()
    /// credits them, and they are flushed before they could overflow.
    uint80 public feesAccrued;
    mapping(address identity => uint256) public balanceOf;
    mapping(address issuer => mapping(address benefiter => uint256)) public lastClearedSerial;
    mapping(address identity => uint256) public withdrawalNonce;

    /// Whitepaper 6.5.6: a consumer must not take its money back before the providers it paid
    /// have cleared. A withdrawal is requested, then completed after this notice; meanwhile the
    /// balance still pays clearings (which come first), and providers count the requested amount
    /// as gone. Set at deployment: days on a public chain, minutes on a local one.
    uint64 public immutable withdrawalNotice;

    /// One pending withdrawal per identity (a new request replaces it and restarts the notice).
    /// Two slots: destination, due time and nonce packed in the first.
    struct PendingWithdrawal {
        address to;
        uint64 completableAt;
        uint32 nonce;
        uint256 amount;
    }

    mapping(address identity => PendingWithdrawal) public pendingWithdrawal;

    /// A promise in a batch: the issuer's EIP-712 Promise signature in EIP-2098 compact form.
    struct IssuedPromise {
        address issuer;
        uint256 serial;
        uint256 amount;
        bytes32 r;
        bytes32 vs;
    }

    /// Why a promise in a batch was skipped.
    enum NotCleared {
        SerialNotAbove,
        InvalidIssuerSignature,
        InsufficientBalance,
        ZeroAmount
    }

    /// A fee increase waits the same notice before it applies (applyScheduledFee), so a provider
    /// clears the promises it accepted under the old fee at that fee; a decrease applies at once.
    struct ScheduledFee {
        address feeAccount;
        uint64 effectiveAt;
        uint16 feeBasisPoints;
    }

    ScheduledFee public scheduledFee;

    event Deposited(address indexed identity, address indexed from, uint256 amount);
    event PromiseCleared(
        address indexed issuer, address indexed benefiter, uint256 serial, uint256 amount, uint256 paid, uint256 fee
    );
    /// A promise in a batch that was skipped (nothing changed for it).
    event PromiseNotCleared(address indexed issuer, address indexed benefiter, uint256 serial, NotCleared reason);
    /// Part of a clearing's `paid` came from the issuer's stake.
    event StakeCleared(address indexed issuer, address indexed benefiter, uint256 serial, uint256 fromStake);
    event WithdrawalRequested(
        address indexed identity, address indexed to, uint256 amount, uint256 completableAt, uint256 nonce
    );
    event Withdrawn(address indexed identity, address indexed to, uint256 amount, uint256 nonce);
    event FeeChanged(address feeAccount, uint16 feeBasisPoints);
    event FeeChangeScheduled(address feeAccount, uint16 feeBasisPoints, uint256 effectiveAt);
    event FeesCollected(address indexed feeAccount, uint256 amount);

    error SerialNotAbove(uint256 lastCleared, uint256 serial);
    error InvalidIssuerSignature();
    error InvalidBenefiterSignature();
    error InsufficientBalance(uint256 balance, uint256 amount);
    error InvalidWithdrawalSignature();
    error FeeTooHigh(uint16 basisPoints);
    error ZeroAmount();
    error ZeroFeeAccount();
    error NoPendingWithdrawal();
    error WithdrawalNotDue(uint256 completableAt);
    error TooManyWithdrawals();
    /// Nobody could ever spend MYST sent to the zero address or kept by this contract outside
    /// every account (found by the invariant walk: such a withdrawal locked its amount for good).
    error InvalidDestination(address to);
    error NoScheduledFee();
    error FeeChangeNotDue(uint256 effectiveAt);

    constructor(
        IERC20 token_,
        IStakes registry_,
        address feeAccount_,
        uint16 feeBasisPoints_,
        address owner_,
        uint64 withdrawalNotice_
    ) Ownable(owner_) {
        token = token_;
        registry = registry_;
        withdrawalNotice = withdrawalNotice_;
        _setFee(feeAccount_, feeBasisPoints_);
    }

    function deposit(address identity, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        balanceOf[identity] += amount;
        emit Deposited(identity, msg.sender, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// Anyone may submit; both signatures make it the issuer's promise and the benefiter's claim.
    /// Serials only go up per pair, so a cleared promise can never be cleared again.
    function clearPromise(
        address issuer,
        address benefiter,
        uint256 serial,
        uint256 amount,
        bool acceptPartial,
        bytes calldata issuerSignature,
        bytes calldata benefiterSignature
    ) external {
        if (amount == 0) revert ZeroAmount();
        uint256 last = lastClearedSerial[issuer][benefiter];
        if (serial <= last) revert SerialNotAbove(last, serial);
        _verifyPromise(issuer, benefiter, serial, amount, acceptPartial, issuerSignature, benefiterSignature);
        uint256 balance = balanceOf[issuer];
        if (balance < amount && !acceptPartial) revert InsufficientBalance(balance, amount);
        lastClearedSerial[issuer][benefiter] = serial;
        uint256 paid = _debit(issuer, benefiter, serial, amount, balance);
        uint256 fee = paid * feeBasisPoints / 10_000;
        balanceOf[benefiter] += paid - fee;
        if (fee != 0) _accrueFee(fee);
        emit PromiseCleared(issuer, benefiter, serial, amount, paid, fee);
    }

    /// The sender clears, as benefiter, promises from any number of issuers in one transaction: its
    /// own transaction is its claim, so each promise carries the issuer's signature only (EIP-2098
    /// compact, 64 bytes), and the benefiter's balance and the accrued fee are written once. A
    /// promise that cannot clear (serial not above the cleared one, a bad signature, a balance short
    /// without acceptPartial) is skipped with PromiseNotCleared, so one stranger's promise never
    /// holds up the others' payment.
    function clearPromises(IssuedPromise[] calldata promises, bool acceptPartial) external {
        address benefiter = msg.sender;
        uint256 basisPoints = feeBasisPoints;
        uint256 credit;
        uint256 fees;
        for (uint256 i; i < promises.length; ++i) {
            IssuedPromise calldata p = promises[i];
            (address issuer, uint256 serial, uint256 amount) = (p.issuer, p.serial, p.amount);
            if (amount == 0) {
                emit PromiseNotCleared(issuer, benefiter, serial, NotCleared.ZeroAmount);
                continue;
            }
            if (serial <= lastClearedSerial[issuer][benefiter]) {
                emit PromiseNotCleared(issuer, benefiter, serial, NotCleared.SerialNotAbove);
                continue;
            }
            bytes32 digest =
                _hashTypedDataV4(keccak256(abi.encode(PROMISE_TYPEHASH, issuer, benefiter, serial, amount)));
            (address signer, ECDSA.RecoverError failure,) = ECDSA.tryRecover(digest, p.r, p.vs);
            if (failure != ECDSA.RecoverError.NoError || signer != issuer) {
                emit PromiseNotCleared(issuer, benefiter, serial, NotCleared.InvalidIssuerSignature);
                continue;
            }
            uint256 balance = balanceOf[issuer];
            if (balance < amount && !acceptPartial) {
                emit PromiseNotCleared(issuer, benefiter, serial, NotCleared.InsufficientBalance);
                continue;
            }
            lastClearedSerial[issuer][benefiter] = serial;
            uint256 paid = _debit(issuer, benefiter, serial, amount, balance);
            uint256 fee = paid * basisPoints / 10_000;
            credit += paid - fee;
            fees += fee;
            emit PromiseCleared(issuer, benefiter, serial, amount, paid, fee);
        }
        if (credit != 0) balanceOf[benefiter] += credit;
        if (fees != 0) _accrueFee(fees);
    }

    function _verifyPromise(
        address issuer,
        address benefiter,
        uint256 serial,
        uint256 amount,
        bool acceptPartial,
        bytes calldata issuerSignature,
        bytes calldata benefiterSignature
    ) private view {
        bytes32 promiseDigest =
            _hashTypedDataV4(keccak256(abi.encode(PROMISE_TYPEHASH, issuer, benefiter, serial, amount)));
        if (ECDSA.recover(promiseDigest, issuerSignature) != issuer) revert InvalidIssuerSignature();
        bytes32 clearingDigest = _hashTypedDataV4(
            keccak256(abi.encode(CLEARING_TYPEHASH, issuer, benefiter, serial, amount, acceptPartial))
        );
        if (ECDSA.recover(clearingDigest, benefiterSignature) != benefiter) revert InvalidBenefiterSignature();
    }

    /// Takes a promise's value from the issuer (its `balance` read by the caller, who checked that a
    /// short balance may pay partially): the balance, and when that is short the rest from the
    /// issuer's stake (at most half the registration value), which defaults the identity. The
    /// caller credits the benefiter.
    function _debit(address issuer, address benefiter, uint256 serial, uint256 amount, uint256 balance)
        private
        returns (uint256 paid)
    {
        if (balance >= amount) {
            unchecked {
                balanceOf[issuer] = balance - amount;
            }
            return amount;
        }
        uint256 shortfall = amount - balance;
        uint256 cap = registry.registrationStake() / 2;
        uint256 fromStake = registry.takeStake(issuer, benefiter, shortfall < cap ? shortfall : cap);
        balanceOf[issuer] = 0;
        emit StakeCleared(issuer, benefiter, serial, fromStake);
        return balance + fromStake; // the stake taken arrived in this contract's token balance
    }

    function _accrueFee(uint256 fee) private {
        uint256 accrued = feesAccrued + fee;
        if (accrued > type(uint80).max) {
            balanceOf[feeAccount] += accrued;
            feesAccrued = 0;
        } else {
            feesAccrued = uint80(accrued);
        }
    }

    /// Credits the accrued fees to the fee account's balance (anyone may call).
    function collectFees() public {
        uint256 accrued = feesAccrued;
        if (accrued != 0) {
            feesAccrued = 0;
            balanceOf[feeAccount] += accrued;
            emit FeesCollected(feeAccount, accrued);
        }
    }

    /// The identity's signature authorises sending to any address (e.g. an exchange) once the
    /// notice has passed; the nonce makes each signature good for one request. Anyone may submit.
    function requestWithdrawal(address identity, address to, uint256 amount, bytes calldata signature) external {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0) || to == address(this)) revert InvalidDestination(to);
        uint256 nonce = withdrawalNonce[identity];
        if (nonce >= type(uint32).max) revert TooManyWithdrawals();
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(WITHDRAWAL_TYPEHASH, identity, to, amount, nonce)));
        if (ECDSA.recover(digest, signature) != identity) revert InvalidWithdrawalSignature();
        uint256 balance = balanceOf[identity];
        if (balance < amount) revert InsufficientBalance(balance, amount);
        withdrawalNonce[identity] = nonce + 1;
        uint64 due = uint64(block.timestamp) + withdrawalNotice;
        pendingWithdrawal[identity] = PendingWithdrawal(to, due, uint32(nonce), amount);
        emit WithdrawalRequested(identity, to, amount, due, nonce);
    }

    /// After the notice, sends what was requested, or what is left of it after the clearings made
    /// during the notice, to the destination the identity signed. Anyone may submit.
    function completeWithdrawal(address identity) external {
        PendingWithdrawal memory pending = pendingWithdrawal[identity];
        if (pending.amount == 0) revert NoPendingWithdrawal();
        if (block.timestamp < pending.completableAt) revert WithdrawalNotDue(pending.completableAt);
        delete pendingWithdrawal[identity];
        uint256 balance = balanceOf[identity];
        uint256 paid = pending.amount < balance ? pending.amount : balance;
        unchecked {
            balanceOf[identity] = balance - paid;
        }
        emit Withdrawn(identity, pending.to, paid, pending.nonce);
        if (paid != 0) token.safeTransfer(pending.to, paid);
    }

    /// What a provider may count on: the balance less a pending withdrawal.
    function spendableBalance(address identity) external view returns (uint256) {
        uint256 balance = balanceOf[identity];
        uint256 pending = pendingWithdrawal[identity].amount;
        return pending < balance ? balance - pending : 0;
    }

    /// A lower or equal fee applies now (and drops a scheduled increase); a higher one is
    /// scheduled for after the withdrawal notice.
    function setFee(address feeAccount_, uint16 feeBasisPoints_) external onlyOwner {
        if (feeBasisPoints_ <= feeBasisPoints || withdrawalNotice == 0) {
            delete scheduledFee;
            _setFee(feeAccount_, feeBasisPoints_);
            return;
        }
        if (feeBasisPoints_ > MAX_FEE_BASIS_POINTS) revert FeeTooHigh(feeBasisPoints_);
        if (feeAccount_ == address(0)) revert ZeroFeeAccount();
        uint64 effectiveAt = uint64(block.timestamp) + withdrawalNotice;
        scheduledFee = ScheduledFee(feeAccount_, effectiveAt, feeBasisPoints_);
        emit FeeChangeScheduled(feeAccount_, feeBasisPoints_, effectiveAt);
    }

    /// Applies a scheduled increase once its notice has passed (anyone may).
    function applyScheduledFee() external {
        ScheduledFee memory next = scheduledFee;
        if (next.effectiveAt == 0) revert NoScheduledFee();
        if (block.timestamp < next.effectiveAt) revert FeeChangeNotDue(next.effectiveAt);
        delete scheduledFee;
        _setFee(next.feeAccount, next.feeBasisPoints);
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _setFee(address feeAccount_, uint16 feeBasisPoints_) private {
        if (feeBasisPoints_ > MAX_FEE_BASIS_POINTS) revert FeeTooHigh(feeBasisPoints_);
        // Nobody can sign for the zero address: fees sent there would be locked forever.
        if (feeAccount_ == address(0)) revert ZeroFeeAccount();
        collectFees(); // fees earned so far belong to the account they were earned for
        feeAccount = feeAccount_;
        feeBasisPoints = feeBasisPoints_;
        emit FeeChanged(feeAccount_, feeBasisPoints_);
    }
}
