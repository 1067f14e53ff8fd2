package network.mysterium.payments;

import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * What other providers told this one they hold uncleared from each issuer (whitepaper 6.5.6):
 * issuer-signed promises made out to the provider that reported them. A provider's exposure check
 * subtracts it from the issuer's balance, so one deposit cannot back promises to many providers. A
 * promise stops counting once the chain shows its pair cleared at its serial or above, which the
 * node's chain index already holds (payment_events).
 */
public final class SharedExposure {
  /** Most promises kept per reporting provider: a stranger cannot grow the table without bound. */
  public static final int MAX_PER_HOLDER = 4096;

  private final Database database;
  private final Clock clock;

  public SharedExposure(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /**
   * Records a verified promise {@code holder} reported (its benefiter); a higher amount for the
   * same serial replaces the lower (promises of a serial are cumulative).
   *
   * @return false when the holder reported too many already (refused)
   */
  public boolean record(Promise promise) throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement count =
              c.prepareStatement("SELECT COUNT(*) FROM shared_exposure WHERE holder = ?")) {
            count.setString(1, promise.benefiter().toString());
            try (ResultSet rows = count.executeQuery()) {
              if (rows.getLong(1) >= MAX_PER_HOLDER) {
                return false;
              }
            }
          }
          BigInteger known = null;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT amount FROM shared_exposure WHERE issuer = ? AND holder = ? AND serial"
                      + " = ?")) {
            s.setString(1, promise.issuer().toString());
            s.setString(2, promise.benefiter().toString());
            s.setLong(3, promise.serial());
            try (ResultSet rows = s.executeQuery()) {
              if (rows.next()) {
                known = new BigInteger(rows.getString(1));
              }
            }
          }
          if (known != null && known.compareTo(promise.amount().baseUnits()) >= 0) {
            return true; // an older report of the same serial: nothing new
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT OR REPLACE INTO shared_exposure (issuer, holder, serial, amount,"
                      + " reported_at) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, promise.issuer().toString());
            s.setString(2, promise.benefiter().toString());
            s.setLong(3, promise.serial());
            s.setString(4, promise.amount().baseUnits().toString());
            s.setLong(5, clock.millis());
            s.executeUpdate();
          }
          return true;
        });
  }

  /**
   * What providers other than {@code self} hold uncleared from the issuer: the serials the chain
   * has not seen cleared for their pair.
   */
  public Myst heldByOthers(Address issuer, Address self) throws StoreException {
    return database.transaction(
        c -> {
          BigInteger total = BigInteger.ZERO;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT e.amount FROM shared_exposure e WHERE e.issuer = ?1 AND e.holder != ?2"
                      + " AND NOT EXISTS (SELECT 1 FROM payment_events p WHERE p.kind ="
                      + " 'clearing' AND p.identity = e.issuer AND p.counterparty = e.holder AND"
                      + " CAST(p.serial AS INTEGER) >= e.serial)")) {
            s.setString(1, issuer.toString());
            s.setString(2, self.toString());
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                total = total.add(new BigInteger(rows.getString(1)));
              }
            }
          }
          return Myst.ofBaseUnits(total);
        });
  }
}
