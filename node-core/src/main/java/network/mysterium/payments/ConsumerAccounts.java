package network.mysterium.payments;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * The provider's running account of each consumer: the leftover (whitepaper 6.6.2) is a free trial
 * (granted once), plus all the consumer promised, minus all it consumed. Promises come from the
 * {@code received_promises} ledger, consumption is written here as sessions are metered.
 */
public final class ConsumerAccounts {
  private final Database database;
  private final Address benefiter;
  private final Myst trial;

  public ConsumerAccounts(Database database, Address benefiter, Myst trial) {
    this.database = database;
    this.benefiter = benefiter;
    this.trial = trial;
  }

  /** What the consumer has paid for and not used yet; negative when it used more. */
  public BigInteger leftover(Address consumer) throws StoreException {
    return database.transaction(c -> leftover(c, consumer));
  }

  /** Records consumption and returns the new leftover. */
  public BigInteger consume(Address consumer, BigInteger cost) throws StoreException {
    if (cost.signum() < 0) {
      throw new IllegalArgumentException("negative consumption " + cost);
    }
    return database.transaction(
        c -> {
          BigInteger consumed = consumed(c, consumer);
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE consumer_accounts SET consumed = ? WHERE benefiter = ? AND issuer = ?")) {
            u.setString(1, consumed.add(cost).toString());
            u.setString(2, benefiter.toString());
            u.setString(3, consumer.toString());
            u.executeUpdate();
          }
          return leftover(c, consumer);
        });
  }

  /** Everything the consumer used, over all sessions. */
  public BigInteger consumed(Address consumer) throws StoreException {
    return database.transaction(c -> consumed(c, consumer));
  }

  private BigInteger consumed(Connection c, Address consumer) throws SQLException {
    ensure(c, consumer);
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT consumed FROM consumer_accounts WHERE benefiter = ? AND issuer = ?")) {
      s.setString(1, benefiter.toString());
      s.setString(2, consumer.toString());
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return new BigInteger(rows.getString(1));
      }
    }
  }

  private BigInteger leftover(Connection c, Address consumer) throws SQLException {
    ensure(c, consumer);
    BigInteger trialGranted;
    BigInteger consumed;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT trial, consumed FROM consumer_accounts WHERE benefiter = ? AND issuer = ?")) {
      s.setString(1, benefiter.toString());
      s.setString(2, consumer.toString());
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        trialGranted = new BigInteger(rows.getString(1));
        consumed = new BigInteger(rows.getString(2));
      }
    }
    BigInteger promised = BigInteger.ZERO;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT amount FROM received_promises WHERE benefiter = ? AND issuer = ?")) {
      s.setString(1, benefiter.toString());
      s.setString(2, consumer.toString());
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          promised = promised.add(new BigInteger(rows.getString(1)));
        }
      }
    }
    return trialGranted.add(promised).subtract(consumed);
  }

  private void ensure(Connection c, Address consumer) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT OR IGNORE INTO consumer_accounts (benefiter, issuer, trial, consumed) VALUES"
                + " (?, ?, ?, '0')")) {
      s.setString(1, benefiter.toString());
      s.setString(2, consumer.toString());
      s.setString(3, trial.baseUnits().toString());
      s.executeUpdate();
    }
  }
}
