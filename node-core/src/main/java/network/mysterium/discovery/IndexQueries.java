package network.mysterium.discovery;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.util.Optional;
import network.mysterium.discovery.proto.IndexQuery;

/** A {@link ProposalIndex.Query} on the wire (IndexQuery) and back. */
final class IndexQueries {
  private IndexQueries() {}

  static IndexQuery encode(ProposalIndex.Query query, int offset) {
    IndexQuery.Builder b = IndexQuery.newBuilder().setOffset(offset);
    query.serviceType().ifPresent(b::setServiceType);
    query.providedFrom().ifPresent(b::setProvidedFrom);
    query.origin().ifPresent(b::setOrigin);
    query.asn().ifPresent(a -> b.setAsn(a.intValue()));
    query
        .metering()
        .ifPresent(
            m ->
                b.setMetering(
                    m == ServiceProposal.Metering.PER_MEGABYTE
                        ? network.mysterium.discovery.proto.ServiceProposal.Metering.PER_MEGABYTE
                        : network.mysterium.discovery.proto.ServiceProposal.Metering.PER_SECOND));
    query.maxPricePerUnit().ifPresent(p -> b.setMaxPricePerUnit(ByteString.copyFrom(unsigned(p))));
    query.minBandwidthKbps().ifPresent(b::setMinBandwidthKbps);
    return b.setPreferredFirst(query.preferredFirst()).setLimit(query.limit()).build();
  }

  /** The query a peer asked, its limit capped. */
  static ProposalIndex.Query decode(IndexQuery q, int maxLimit) {
    Optional<ServiceProposal.Metering> metering =
        switch (q.getMetering()) {
          case PER_MEGABYTE -> Optional.of(ServiceProposal.Metering.PER_MEGABYTE);
          case PER_SECOND -> Optional.of(ServiceProposal.Metering.PER_SECOND);
          default -> Optional.empty();
        };
    return new ProposalIndex.Query(
        nonEmpty(q.getServiceType()),
        nonEmpty(q.getProvidedFrom()),
        nonEmpty(q.getOrigin()),
        q.hasAsn() ? Optional.of(Integer.toUnsignedLong(q.getAsn())) : Optional.empty(),
        metering,
        q.getMaxPricePerUnit().isEmpty()
            ? Optional.empty()
            : Optional.of(new BigInteger(1, q.getMaxPricePerUnit().toByteArray())),
        q.getMinBandwidthKbps() == 0 ? Optional.empty() : Optional.of(q.getMinBandwidthKbps()),
        q.getPreferredFirst(),
        q.getLimit() == 0 ? maxLimit : Math.min(q.getLimit(), maxLimit));
  }

  private static Optional<String> nonEmpty(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] raw = value.toByteArray();
    return raw.length > 1 && raw[0] == 0 ? java.util.Arrays.copyOfRange(raw, 1, raw.length) : raw;
  }
}
