package network.mysterium.contracts;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * {@code Payments.clearPromises}: the sender, as benefiter, clears promises from many issuers in
 * one transaction; each carries only the issuer's signature (EIP-2098 compact). A promise that
 * cannot clear is skipped on chain with a typed reason, read back from the receipt's events.
 */
public final class BatchClearing {
  /** The ABI signature; its array holds static tuples, laid out inline (no per-element offset). */
  static final String SIGNATURE = "clearPromises((address,uint256,uint256,bytes32,bytes32)[],bool)";

  private static final String PROMISE_CLEARED =
      topic("PromiseCleared(address,address,uint256,uint256,uint256,uint256)");
  private static final String PROMISE_NOT_CLEARED =
      topic("PromiseNotCleared(address,address,uint256,uint8)");
  private static final String STAKE_CLEARED =
      topic("StakeCleared(address,address,uint256,uint256)");

  private BatchClearing() {}

  /** A promise to clear: its issuer, serial, amount and the issuer's 65-byte signature. */
  public record IssuedPromise(
      String issuer, BigInteger serial, BigInteger amount, byte[] signature) {
    public IssuedPromise {
      if (signature.length != 65) {
        throw new IllegalArgumentException("a promise signature is 65 bytes: r, s, v");
      }
      signature = signature.clone();
    }
  }

  /** Why the contract skipped a promise, in the order of its {@code NotCleared} enum. */
  public enum NotCleared {
    SERIAL_NOT_ABOVE,
    INVALID_ISSUER_SIGNATURE,
    INSUFFICIENT_BALANCE,
    ZERO_AMOUNT
  }

  /** A promise the batch cleared: what it paid (from the balance, and fromStake of that). */
  public record Cleared(
      String issuer, BigInteger serial, BigInteger paid, BigInteger fee, BigInteger fromStake) {}

  /** A promise the batch skipped, and why. */
  public record Skipped(String issuer, BigInteger serial, NotCleared reason) {}

  /** What one batch transaction did, promise by promise. */
  public record Outcome(TransactionReceipt receipt, List<Cleared> cleared, List<Skipped> skipped) {}

  static ContractCall call(String payments, List<IssuedPromise> promises, boolean acceptPartial) {
    ByteArrayOutputStream data = new ByteArrayOutputStream(4 + 32 * (3 + 5 * promises.size()));
    data.writeBytes(Arrays.copyOf(Hash.sha3(SIGNATURE.getBytes(StandardCharsets.US_ASCII)), 4));
    data.writeBytes(word(BigInteger.valueOf(64))); // where the array starts
    data.writeBytes(word(acceptPartial ? BigInteger.ONE : BigInteger.ZERO));
    data.writeBytes(word(BigInteger.valueOf(promises.size())));
    for (IssuedPromise p : promises) {
      data.writeBytes(word(Numeric.toBigInt(p.issuer())));
      data.writeBytes(word(p.serial()));
      data.writeBytes(word(p.amount()));
      byte[] sig = p.signature;
      data.write(sig, 0, 32);
      // EIP-2098: the parity of v in the top bit of s (s is in the low half of the order, so
      // that bit is free)
      byte[] vs = Arrays.copyOfRange(sig, 32, 64);
      int v = sig[64] & 0xff;
      if ((v >= 27 ? v - 27 : v) == 1) {
        vs[0] |= (byte) 0x80;
      }
      data.writeBytes(vs);
    }
    return new ContractCall(payments, Numeric.toHexString(data.toByteArray()));
  }

  /** Reads what a batch did from its receipt's events (those of the payments contract only). */
  static Outcome outcome(String payments, TransactionReceipt receipt) {
    List<Cleared> cleared = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    BigInteger fromStake = BigInteger.ZERO;
    for (Log log : receipt.getLogs()) {
      if (!log.getAddress().equalsIgnoreCase(payments) || log.getTopics().isEmpty()) {
        continue;
      }
      String topic = log.getTopics().getFirst().toLowerCase(Locale.ROOT);
      byte[] data = Numeric.hexStringToByteArray(log.getData());
      String issuer = address(log.getTopics().get(1));
      if (topic.equals(STAKE_CLEARED)) {
        fromStake = wordAt(data, 1); // emitted just before its PromiseCleared
      } else if (topic.equals(PROMISE_CLEARED)) {
        cleared.add(
            new Cleared(issuer, wordAt(data, 0), wordAt(data, 2), wordAt(data, 3), fromStake));
        fromStake = BigInteger.ZERO;
      } else if (topic.equals(PROMISE_NOT_CLEARED)) {
        skipped.add(
            new Skipped(
                issuer, wordAt(data, 0), NotCleared.values()[wordAt(data, 1).intValueExact()]));
      }
    }
    return new Outcome(receipt, List.copyOf(cleared), List.copyOf(skipped));
  }

  private static String topic(String event) {
    return Hash.sha3String(event).toLowerCase(Locale.ROOT);
  }

  private static String address(String topic) {
    return "0x" + topic.substring(topic.length() - 40);
  }

  private static BigInteger wordAt(byte[] data, int index) {
    return new BigInteger(1, Arrays.copyOfRange(data, 32 * index, 32 * index + 32));
  }

  private static byte[] word(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + value);
    }
    return Numeric.toBytesPadded(value, 32);
  }
}
