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
    DEPOSITED("Deposited(address,address,uint256)", "uint"),
    PROMISE_CLEARED(
        "PromiseCleared(address,address,uint256,uint256,uint256,uint256)",
        "uint",
        "uint",
        "uint",
        "uint"),
    WITHDRAWN("Withdrawn(address,address,uint256,uint256)", "uint", "uint"),
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

  private final Map<Kind, Address> emitter;

  EventDecoder(ContractAddresses contracts) {
    this.emitter =
        Map.of(
            Kind.IDENTITY_REGISTERED, contracts.identityRegistry(),
            Kind.PROPOSAL_ANNOUNCED, contracts.serviceRegistry(),
            Kind.DEPOSITED, contracts.payments(),
            Kind.PROMISE_CLEARED, contracts.payments(),
            Kind.WITHDRAWN, contracts.payments(),
            Kind.FEES_COLLECTED, contracts.payments());
  }

  /** The event, or empty for logs of other events (token transfers, owner changes...). */
  Optional<ChainEvent> decode(Log log) {
    List<String> topics = log.getTopics();
    if (topics.isEmpty() || log.isRemoved()) {
      return Optional.empty();
    }
    Kind kind = BY_TOPIC.get(topics.getFirst().toLowerCase(java.util.Locale.ROOT));
    if (kind == null || !Address.parse(log.getAddress()).equals(emitter.get(kind))) {
      return Optional.empty();
    }
    ChainEvent.Position at =
        new ChainEvent.Position(
            log.getBlockNumber().longValueExact(),
            log.getBlockHash(),
            log.getLogIndex().intValueExact(),
            log.getTransactionHash());
    List<Type> data = FunctionReturnDecoder.decode(log.getData(), kind.data);
    Address first = indexedAddress(topics, 1);
    return Optional.of(
        switch (kind) {
          case IDENTITY_REGISTERED ->
              new ChainEvent.IdentityRegistered(
                  at, first, indexedAddress(topics, 2), bytes(data, 0), uint(data, 1));
          case PROPOSAL_ANNOUNCED ->
              new ChainEvent.ProposalAnnounced(
                  at,
                  first,
                  new BigInteger(1, Hex.decode(topics.get(2), 32)).longValueExact(),
                  bytes(data, 0));
          case DEPOSITED ->
              new ChainEvent.Deposited(at, first, indexedAddress(topics, 2), uint(data, 0));
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
        });
  }

  private static Address indexedAddress(List<String> topics, int index) {
    return Address.of(Arrays.copyOfRange(Hex.decode(topics.get(index), 32), 12, 32));
  }

  private static byte[] bytes(List<Type> data, int index) {
    return ((DynamicBytes) data.get(index)).getValue();
  }

  private static BigInteger uint(List<Type> data, int index) {
    return ((Uint256) data.get(index)).getValue();
  }
}
