package network.mysterium.money;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An amount of MYST in base units (18 decimals, as the token counts). Integer arithmetic only:
 * money is never a floating-point number.
 */
public record Myst(BigInteger baseUnits) implements Comparable<Myst> {
  public static final int DECIMALS = 18;
  public static final Myst ZERO = new Myst(BigInteger.ZERO);
  private static final BigDecimal ONE_MYST = BigDecimal.TEN.pow(DECIMALS);

  public Myst {
    if (baseUnits.signum() < 0) {
      throw new IllegalArgumentException("a MYST amount cannot be negative");
    }
  }

  public static Myst ofBaseUnits(BigInteger baseUnits) {
    return new Myst(baseUnits);
  }

  public static Myst ofWhole(long myst) {
    return new Myst(BigInteger.valueOf(myst).multiply(BigInteger.TEN.pow(DECIMALS)));
  }

  /**
   * Parses a decimal amount such as {@code 12.5}; more than 18 decimals or a negative or malformed
   * amount is refused with the reason.
   */
  public static Myst parse(String text) {
    BigDecimal value;
    try {
      value = new BigDecimal(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an amount of MYST: '" + text + "'");
    }
    if (value.signum() < 0) {
      throw new IllegalArgumentException("a MYST amount cannot be negative: '" + text + "'");
    }
    BigDecimal units = value.multiply(ONE_MYST);
    if (units.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("MYST has at most 18 decimals: '" + text + "'");
    }
    return new Myst(units.toBigIntegerExact());
  }

  public Myst plus(Myst other) {
    return new Myst(baseUnits.add(other.baseUnits));
  }

  public boolean isZero() {
    return baseUnits.signum() == 0;
  }

  /** Decimal MYST without trailing zeros, e.g. {@code 12.5}. */
  public String toPlainString() {
    BigDecimal value = new BigDecimal(baseUnits).divide(ONE_MYST).stripTrailingZeros();
    return value.scale() < 0 ? value.setScale(0).toPlainString() : value.toPlainString();
  }

  @Override
  public String toString() {
    return toPlainString() + " MYST";
  }

  @Override
  public int compareTo(Myst other) {
    return baseUnits.compareTo(other.baseUnits);
  }
}
