package network.mysterium.node;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import network.mysterium.discovery.ComparablePrice;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;

/** Proposals grouped by the country they are provided from, each with its lowest price. */
final class CountryRows {
  private CountryRows() {}

  static List<Node.CountryRow> of(List<ProposalIndex.Listing> listings) {
    Map<String, List<ServiceProposal>> byCountry = new LinkedHashMap<>();
    for (ProposalIndex.Listing listing : listings) {
      byCountry
          .computeIfAbsent(listing.proposal().providedFrom().country(), c -> new ArrayList<>())
          .add(listing.proposal());
    }
    List<Node.CountryRow> rows = new ArrayList<>();
    byCountry.forEach(
        (country, list) ->
            rows.add(
                new Node.CountryRow(
                    country,
                    list.size(),
                    Myst.ofBaseUnits(
                        list.stream()
                            .map(ComparablePrice::perHour)
                            .min(Comparator.naturalOrder())
                            .orElseThrow()
                            .divide(BigInteger.valueOf(ComparablePrice.REFERENCE_MB_PER_HOUR))))));
    rows.sort(Comparator.comparing(Node.CountryRow::country));
    return rows;
  }
}
