package network.mysterium.node;

import java.util.Locale;
import java.util.Optional;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;

/**
 * What a search filters by; empty fields match anything. {@code country} is the proposal's {@code
 * provided_from}: where the provider's service is attached to the Internet; {@code origin} is where
 * tunnelled traffic appears to originate (whitepaper 6.4.2).
 */
public record ProposalFilter(
    Optional<String> type,
    Optional<String> country,
    Optional<String> origin,
    Optional<Long> asn,
    Optional<ServiceProposal.Metering> metering,
    Optional<Myst> maxPrice,
    Optional<Long> minBandwidthKbps,
    boolean preferredFirst,
    boolean preferredOnly,
    int limit) {
  /** The most a search returns. */
  public static final int MAX_LIMIT = 500;

  public ProposalFilter {
    country = country.map(c -> c.toUpperCase(Locale.ROOT));
    origin = origin.map(c -> c.toUpperCase(Locale.ROOT));
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit " + limit + " is not within 1.." + MAX_LIMIT);
    }
  }

  public static ProposalFilter any() {
    return new ProposalFilter(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        false,
        MAX_LIMIT);
  }

  /** A service type (null: any) in a country (null: any). */
  public static ProposalFilter of(String type, String country) {
    ProposalFilter any = any();
    return new ProposalFilter(
        Optional.ofNullable(type),
        Optional.ofNullable(country),
        any.origin(),
        any.asn(),
        any.metering(),
        any.maxPrice(),
        any.minBandwidthKbps(),
        false,
        false,
        MAX_LIMIT);
  }

  ProposalIndex.Query query() {
    return new ProposalIndex.Query(
        type,
        country,
        origin,
        asn,
        metering,
        maxPrice.map(Myst::baseUnits),
        minBandwidthKbps,
        preferredFirst,
        limit);
  }
}
