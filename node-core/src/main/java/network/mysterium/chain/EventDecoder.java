package network.mysterium.chain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.Keccak;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Turns raw logs of the three followed contracts into {@link ChainEvent}s. A log is accepted only
 * from the contract that defines its event, so another contract emitting a look-alike event cannot
 * feed the index.
 */
final class EventDecoder {
  /** The followed events: their signature and the types of their non-indexed data. */
  enum Kind {
    IDENTITY_REGISTERED("IdentityRegistered(address,address,bytes,uint256)", "bytes", "uint"),
    PROPOSAL_ANNOUNCED("ProposalAnnounced(address,uint64,bytes)", "bytes"),
    IDENTITY_DEFAULTED("IdentityDefaulted(address,address,uint256)", "uint"),
    DEPOSITED("Deposited(address,address,uint256)", "uint"),
    PROMISE_CLEARED(
        "PromiseCleared(address,address,uint256,uint256,uint256,uint256)",
        "uint",
        "uint",
        "uint",
        "uint"),
    WITHDRAWN("Withdrawn(address,address,uint256,uint256)", "uint", "uint"),
    WITHDRAWAL_REQUESTED(
        "WithdrawalRequested(address,address,uint256,uint256,uint256)", "uint", "uint", "uint"),
    FEES_COLLECTED("FeesCollected(address,uint256)", "uint");

    final String topic;
    final List<TypeReference<Type>> data;

    Kind(String signature, String... data) {
      this.topic = Hex.encodePrefixed(Keccak.hash(signature.getBytes(StandardCharsets.US_ASCII)));
      this.data = Stream.of(data).map(Kind::reference).toList();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static TypeReference<Type> reference(String type) {
      TypeReference reference =
          type.equals("bytes")
              ? new TypeReference<DynamicBytes>() {}
              : new TypeReference<Uint256>() {};
      return reference;
    }
  }

  private static final Map<String, Kind> BY_TOPIC =
      Arrays.stream(Kind.values()).collect(Collectors.toMap(k -> k.topic, Function.identity()));

  /** The most proposal bytes the service registry accepts in one announcement. */
  static final int MAX_PROPOSAL_BYTES =
      network.mysterium.contracts.ServiceRegistryContract.MAX_PROPOSAL_BYTES;

  private final Map<Kind, Address> emitter;

  EventDecoder(ContractAddresses contracts) {
    this.emitter =
        Map.of(
            Kind.IDENTITY_REGISTERED, contracts.identityRegistry(),
            Kind.IDENTITY_DEFAULTED, contracts.identityRegistry(),
            Kind.PROPOSAL_ANNOUNCED, contracts.serviceRegistry(),
            Kind.DEPOSITED, contracts.payments(),
            Kind.PROMISE_CLEARED, contracts.payments(),
            Kind.WITHDRAWN, contracts.payments(),
            Kind.WITHDRAWAL_REQUESTED, contracts.payments(),
            Kind.FEES_COLLECTED, contracts.payments());
  }

  /**
   * The event, or empty for logs of other events (token transfers, owner changes...).
   *
   * @throws RefusedEventException for a log of a followed event that does not hold what the event
   *     promises (whoever sent the transaction chose its content)
   */
  Optional<ChainEvent> decode(Log log) throws RefusedEventException {
    List<String> topics = log.getTopics();
    if (topics == null || topics.isEmpty() || log.isRemoved()) {
      return Optional.empty();
    }
    Kind kind = BY_TOPIC.get(String.valueOf(topics.getFirst()).toLowerCase(java.util.Locale.ROOT));
    if (kind == null || !emitter.get(kind).equals(emitterOf(log))) {
      return Optional.empty();
    }
    try {
      return Optional.of(decode(kind, log, topics));
    } catch (RuntimeException e) { // web3j's ABI decoder and hex parsing throw unchecked
      throw new RefusedEventException(
          EventRefusal.MALFORMED, kind + ": " + e.getClass().getSimpleName());
    }
  }

  private static Address emitterOf(Log log) {
    try {
      return Address.parse(log.getAddress());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static ChainEvent decode(Kind kind, Log log, List<String> topics)
      throws RefusedEventException {
    int indexed = kind == Kind.FEES_COLLECTED ? 2 : 3;
    if (topics.size() != indexed) {
      throw new RefusedEventException(
          EventRefusal.MALFORMED, kind + " with " + topics.size() + " topics");
    }
    // Cheap before expensive: an oversized announcement is refused before its data is decoded.
    if (kind == Kind.PROPOSAL_ANNOUNCED
        && log.getData() != null
        && log.getData().length() > 2 + 2 * (3 * 32 + MAX_PROPOSAL_BYTES)) {
      throw new RefusedEventException(EventRefusal.OVERSIZED, "announcement data too long");
    }
    ChainEvent.Position at =
        new ChainEvent.Position(
            log.getBlockNumber().longValueExact(),
            log.getBlockHash(),
            log.getLogIndex().intValueExact(),
            log.getTransactionHash());
    List<Type> data = FunctionReturnDecoder.decode(log.getData(), kind.data);
    if (data.size() != kind.data.size()) {
      throw new RefusedEventException(EventRefusal.MALFORMED, kind + " data too short");
    }
    Address first = indexedAddress(topics, 1);
    return switch (kind) {
      case IDENTITY_REGISTERED -> registration(at, first, indexedAddress(topics, 2), data);
      case PROPOSAL_ANNOUNCED -> announcement(at, first, topics.get(2), bytes(data, 0));
      case DEPOSITED ->
          new ChainEvent.Deposited(at, first, indexedAddress(topics, 2), uint(data, 0));
      case IDENTITY_DEFAULTED ->
          new ChainEvent.IdentityDefaulted(at, first, indexedAddress(topics, 2), uint(data, 0));
      case PROMISE_CLEARED ->
          new ChainEvent.PromiseCleared(
              at,
              first,
              indexedAddress(topics, 2),
              uint(data, 0),
              uint(data, 1),
              uint(data, 2),
              uint(data, 3));
      case FEES_COLLECTED -> new ChainEvent.FeesCollected(at, first, uint(data, 0));
      case WITHDRAWN ->
          new ChainEvent.Withdrawn(
              at, first, indexedAddress(topics, 2), uint(data, 0), uint(data, 1));
      case WITHDRAWAL_REQUESTED ->
          new ChainEvent.WithdrawalRequested(
              at, first, indexedAddress(topics, 2), uint(data, 0), uint(data, 1), uint(data, 2));
    };
  }

  /**
   * The registry derives the identity from the key, but the key is what messages to the peer are
   * encrypted to: checked here too, so a look-alike log (or a lying RPC) cannot plant a key.
   */
  private static ChainEvent.IdentityRegistered registration(
      ChainEvent.Position at, Address identity, Address payer, List<Type> data)
      throws RefusedEventException {
    byte[] publicKey = bytes(data, 0);
    if (publicKey.length != 64 || !Address.ofPublicKey(publicKey).equals(identity)) {
      throw new RefusedEventException(
          EventRefusal.PUBLIC_KEY_MISMATCH, "key does not hash to " + identity);
    }
    return new ChainEvent.IdentityRegistered(at, identity, payer, publicKey, uint(data, 1));
  }

  /** Serials are uint64 on chain; a proposal's serial is a positive signed 64-bit number. */
  private static ChainEvent.ProposalAnnounced announcement(
      ChainEvent.Position at, Address provider, String serialTopic, byte[] proposal)
      throws RefusedEventException {
    BigInteger serial = new BigInteger(1, Hex.decode(serialTopic, 32));
    if (serial.signum() == 0 || serial.bitLength() > 63) {
      throw new RefusedEventException(EventRefusal.SERIAL_OUT_OF_RANGE, "serial " + serial);
    }
    if (proposal.length > MAX_PROPOSAL_BYTES) {
      throw new RefusedEventException(EventRefusal.OVERSIZED, proposal.length + " bytes");
    }
    return new ChainEvent.ProposalAnnounced(at, provider, serial.longValue(), proposal);
  }

  /** An ABI address topic: 12 zero bytes, then the address. */
  private static Address indexedAddress(List<String> topics, int index)
      throws RefusedEventException {
    byte[] word = Hex.decode(topics.get(index), 32);
    for (int i = 0; i < 12; i++) {
      if (word[i] != 0) {
        throw new RefusedEventException(
            EventRefusal.MALFORMED, "topic " + index + " not an address");
      }
    }
    return Address.of(Arrays.copyOfRange(word, 12, 32));
  }

  private static byte[] bytes(List<Type> data, int index) {
    return ((DynamicBytes) data.get(index)).getValue();
  }

  private static BigInteger uint(List<Type> data, int index) {
    return ((Uint256) data.get(index)).getValue();
  }
}
