package network.mysterium.node;

import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import network.mysterium.money.Myst;
import network.mysterium.session.SpendLimit;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * The consumer's connection defaults, kept in the node's database so they outlive a restart: the
 * payment step and the spending limits a connect uses when its caller leaves them out. Until set,
 * the built-in defaults ({@link ConnectionOptions#DEFAULT_PAYMENT_STEP}, {@link
 * SpendLimit#defaults()}).
 */
public final class NodeSettings {
  /** The defaults; every amount positive, step ≤ per session ≤ per provider. */
  public record Settings(Myst paymentStep, Myst maxSpend, Myst maxSpendPerProvider) {
    public SpendLimit spendLimit() {
      return new SpendLimit(maxSpend, maxSpendPerProvider);
    }
  }

  private final Database database;

  NodeSettings(Database database) {
    this.database = database;
  }

  public static Settings builtIn() {
    SpendLimit limit = SpendLimit.defaults();
    return new Settings(
        ConnectionOptions.DEFAULT_PAYMENT_STEP, limit.perSession(), limit.perProvider());
  }

  /** The settings now: the stored ones, else the built-in defaults. */
  public Settings current() throws NodeException {
    try {
      return database.transaction(
          c -> {
            try (PreparedStatement q =
                    c.prepareStatement(
                        "SELECT payment_step, max_spend, max_spend_per_provider"
                            + " FROM consumer_settings WHERE id = 1");
                ResultSet row = q.executeQuery()) {
              if (!row.next()) {
                return builtIn();
              }
              return new Settings(
                  Myst.ofBaseUnits(new BigInteger(row.getString(1))),
                  Myst.ofBaseUnits(new BigInteger(row.getString(2))),
                  Myst.ofBaseUnits(new BigInteger(row.getString(3))));
            }
          });
    } catch (StoreException e) {
      throw NodeException.of(e);
    }
  }

  /**
   * Changes the settings given (decimal MYST text), keeps the others, and stores the result.
   *
   * @throws NodeException {@code INVALID_AMOUNT} for an amount that is not positive MYST, {@code
   *     INVALID_INPUT} when the step exceeds the per-session limit or that the per-provider one;
   *     nothing is stored then
   */
  public Settings update(
      Optional<String> paymentStep, Optional<String> maxSpend, Optional<String> maxSpendPerProvider)
      throws NodeException {
    Settings now = current();
    Settings next =
        new Settings(
            positive(paymentStep, now.paymentStep()),
            positive(maxSpend, now.maxSpend()),
            positive(maxSpendPerProvider, now.maxSpendPerProvider()));
    if (next.maxSpend().compareTo(next.maxSpendPerProvider()) > 0) {
      throw new NodeException(
          NodeException.Code.INVALID_INPUT,
          "maxSpend must not exceed maxSpendPerProvider",
          next.maxSpend().toPlainString(),
          next.maxSpendPerProvider().toPlainString());
    }
    if (next.paymentStep().compareTo(next.maxSpend()) > 0) {
      throw new NodeException(
          NodeException.Code.INVALID_INPUT,
          "paymentStep must not exceed maxSpend",
          next.paymentStep().toPlainString(),
          next.maxSpend().toPlainString());
    }
    try {
      database.transaction(
          c -> {
            try (PreparedStatement upsert =
                c.prepareStatement(
                    "INSERT INTO consumer_settings"
                        + " (id, payment_step, max_spend, max_spend_per_provider)"
                        + " VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                        + " payment_step = excluded.payment_step,"
                        + " max_spend = excluded.max_spend,"
                        + " max_spend_per_provider = excluded.max_spend_per_provider")) {
              upsert.setString(1, next.paymentStep().baseUnits().toString());
              upsert.setString(2, next.maxSpend().baseUnits().toString());
              upsert.setString(3, next.maxSpendPerProvider().baseUnits().toString());
              upsert.executeUpdate();
            }
            return null;
          });
    } catch (StoreException e) {
      throw NodeException.of(e);
    }
    return next;
  }

  private static Myst positive(Optional<String> text, Myst otherwise) throws NodeException {
    if (text.isEmpty()) {
      return otherwise;
    }
    Myst amount;
    try {
      amount = Myst.parse(text.get().strip());
    } catch (RuntimeException e) {
      throw new NodeException(NodeException.Code.INVALID_AMOUNT, "not a MYST amount", text.get());
    }
    if (amount.baseUnits().signum() <= 0) {
      throw new NodeException(NodeException.Code.INVALID_AMOUNT, "not positive", text.get());
    }
    return amount;
  }
}
