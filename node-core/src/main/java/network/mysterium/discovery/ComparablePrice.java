package network.mysterium.discovery;

import java.math.BigInteger;
import java.util.Comparator;

/**
 * Prices in different metering units made comparable: every price is read as what an hour of use
 * costs at a stated reference usage of {@value #REFERENCE_MB_PER_HOUR} MB an hour (about 2.2 Mbit/s
 * on average, a video stream). A price per MB costs {@value #REFERENCE_MB_PER_HOUR} times itself an
 * hour, a price per second 3,600 times itself; so 0.001 MYST a second (3.6 MYST an hour) counts as
 * dearer than 0.003 MYST per MB (3 MYST an hour). Sorting, the maximum price without a metering
 * filter and the app's "lowest price" use this; a maximum price with a metering filter compares per
 * unit of that metering, as announced.
 */
public final class ComparablePrice {
  /** The reference usage: megabytes in an hour of use. */
  public static final long REFERENCE_MB_PER_HOUR = 1000;

  private static final long SECONDS_PER_HOUR = 3600;

  private ComparablePrice() {}

  /** What an hour of use costs at the reference usage, in base units. */
  public static BigInteger perHour(ServiceProposal.Metering metering, BigInteger pricePerUnit) {
    return pricePerUnit.multiply(
        BigInteger.valueOf(
            switch (metering) {
              case PER_MEGABYTE -> REFERENCE_MB_PER_HOUR;
              case PER_SECOND -> SECONDS_PER_HOUR;
            }));
  }

  public static BigInteger perHour(ServiceProposal p) {
    return perHour(p.metering(), p.pricePerUnit().baseUnits());
  }

  /** The cheapest first by the hourly cost at the reference usage, then by provider. */
  public static final Comparator<ServiceProposal> CHEAPEST_FIRST =
      Comparator.comparing((ServiceProposal p) -> perHour(p))
          .thenComparing((ServiceProposal p) -> p.provider().toString());

  /** The same hourly cost in SQL over the index's price and metering columns (for ORDER BY). */
  static String sql(String price, String metering) {
    return "(CAST("
        + price
        + " AS REAL) * CASE "
        + metering
        + " WHEN 'PER_SECOND' THEN "
        + SECONDS_PER_HOUR
        + " ELSE "
        + REFERENCE_MB_PER_HOUR
        + " END)";
  }
}
