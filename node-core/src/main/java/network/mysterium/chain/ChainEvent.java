package network.mysterium.chain;

import java.math.BigInteger;
import network.mysterium.crypto.Address;

/** An event of the Mysterium contracts, decoded, with where it sits in the chain. */
public sealed interface ChainEvent {
  /** Block number and index of the log in its block: the event's unique key. */
  Position position();

  /** Where an event is: block, log index, transaction. */
  record Position(long blockNumber, String blockHash, int logIndex, String transactionHash) {}

  /**
   * {@code IdentityRegistered(address indexed identity, address indexed payer, bytes publicKey,
   * uint256 stake)}.
   */
  record IdentityRegistered(
      Position position, Address identity, Address payer, byte[] publicKey, BigInteger stake)
      implements ChainEvent {}

  /**
   * {@code IdentityDefaulted(address indexed identity, address indexed benefiter, uint256 taken)}:
   * a promise it signed was cleared against its stake.
   */
  record IdentityDefaulted(Position position, Address identity, Address benefiter, BigInteger taken)
      implements ChainEvent {}

  /** {@code ProposalAnnounced(address indexed provider, uint64 indexed serial, bytes proposal)}. */
  record ProposalAnnounced(Position position, Address provider, long serial, byte[] proposal)
      implements ChainEvent {}

  /** {@code Deposited(address indexed identity, address indexed from, uint256 amount)}. */
  record Deposited(Position position, Address identity, Address from, BigInteger amount)
      implements ChainEvent {}

  /**
   * {@code PromiseCleared(address indexed issuer, address indexed benefiter, uint256 serial,
   * uint256 amount, uint256 paid, uint256 fee)}.
   */
  record PromiseCleared(
      Position position,
      Address issuer,
      Address benefiter,
      BigInteger serial,
      BigInteger amount,
      BigInteger paid,
      BigInteger fee)
      implements ChainEvent {}

  /**
   * {@code Withdrawn(address indexed identity, address indexed to, uint256 amount, uint256 nonce)}.
   */
  record Withdrawn(
      Position position, Address identity, Address to, BigInteger amount, BigInteger nonce)
      implements ChainEvent {}

  /**
   * {@code WithdrawalRequested(address indexed identity, address indexed to, uint256 amount,
   * uint256 completableAt, uint256 nonce)}.
   */
  record WithdrawalRequested(
      Position position,
      Address identity,
      Address to,
      BigInteger amount,
      BigInteger completableAt,
      BigInteger nonce)
      implements ChainEvent {}

  /** {@code FeesCollected(address indexed feeAccount, uint256 amount)}. */
  record FeesCollected(Position position, Address feeAccount, BigInteger amount)
      implements ChainEvent {}
}
