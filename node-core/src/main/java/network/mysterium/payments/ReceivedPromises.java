package network.mysterium.payments;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Signature;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * The benefiter's (provider's) ledger of promises received (whitepaper 6.5.3-6.5.6), in SQLite: a
 * promise is checked against the validity rules and the provider's policy and stored in one
 * transaction before it is acknowledged, so a crash never loses an acknowledged promise, and a
 * promise sent again after a crash is recognised rather than counted twice.
 */
public final class ReceivedPromises {
  /** The provider's terms for taking promises. */
  public record Policy(Myst minimumPromise, Myst exposureCap) {}

  /** A promise taken: how much it added, and what this issuer now owes uncleared. */
  public record Accepted(SignedPromise promise, Myst increment, Myst uncleared) {}

  private final Database database;
  private final Promises promises;
  private final Address benefiter;
  private final Clock clock;

  public ReceivedPromises(Database database, Promises promises, Address benefiter, Clock clock) {
    this.database = database;
    this.promises = promises;
    this.benefiter = benefiter;
    this.clock = clock;
  }

  /**
   * Takes a promise or refuses it with the reason: signed by its issuer, to this benefiter, a
   * serial above the last cleared and not below the one held, a higher amount when it updates the
   * held serial (unless a new serial was asked for), an increase of at least the policy minimum,
   * and uncleared promises within the exposure cap. The same promise again is taken as a no-op.
   */
  public Accepted accept(SignedPromise signed, Policy policy)
      throws PromiseRefusedException, StoreException {
    Promise p = signed.promise();
    if (!p.benefiter().equals(benefiter)) {
      throw new PromiseRefusedException(
          PromiseRefusedException.Reason.WRONG_BENEFITER, "made out to " + p.benefiter());
    }
    if (!promises.isSignedByIssuer(signed)) {
      throw new PromiseRefusedException(
          PromiseRefusedException.Reason.BAD_SIGNATURE, "not signed by " + p.issuer());
    }
    Object outcome =
        database.transaction(
            c -> {
              Pair pair = pair(c, p.issuer());
              Optional<Held> current = highestHeld(c, p.issuer());
              long heldSerial = current.map(Held::serial).orElse(0L);
              if (p.serial() <= pair.lastCleared()) {
                return new PromiseRefusedException(
                    PromiseRefusedException.Reason.SERIAL_ALREADY_CLEARED,
                    "serial " + p.serial() + " is not above the cleared " + pair.lastCleared(),
                    pair.lastCleared(),
                    heldSerial);
              }
              BigInteger increment = p.amount().baseUnits();
              if (current.isPresent()) {
                Held held = current.get();
                if (p.serial() < held.serial()) {
                  return new PromiseRefusedException(
                      PromiseRefusedException.Reason.LOWER_SERIAL,
                      "serial " + p.serial() + " is below the held " + held.serial(),
                      pair.lastCleared(),
                      heldSerial);
                }
                if (p.serial() == held.serial()) {
                  if (held.amount().equals(p.amount().baseUnits())
                      && java.util.Arrays.equals(held.signature(), signed.signature().toBytes())) {
                    return new Accepted(signed, Myst.ofBaseUnits(BigInteger.ZERO), uncleared(c, p));
                  }
                  if (pair.frozenSerial() >= p.serial()) {
                    return new PromiseRefusedException(
                        PromiseRefusedException.Reason.UPDATE_AFTER_NEW_SERIAL_REQUESTED,
                        "serial "
                            + p.serial()
                            + " was closed to updates: send serial "
                            + (p.serial() + 1),
                        pair.lastCleared(),
                        heldSerial);
                  }
                  if (p.amount().baseUnits().compareTo(held.amount()) <= 0) {
                    return new PromiseRefusedException(
                        PromiseRefusedException.Reason.NOT_AN_INCREASE,
                        "serial "
                            + p.serial()
                            + " already holds "
                            + Myst.ofBaseUnits(held.amount()),
                        pair.lastCleared(),
                        heldSerial);
                  }
                  increment = p.amount().baseUnits().subtract(held.amount());
                }
              }
              if (increment.compareTo(policy.minimumPromise().baseUnits()) < 0) {
                return new PromiseRefusedException(
                    PromiseRefusedException.Reason.BELOW_POLICY,
                    "adds "
                        + Myst.ofBaseUnits(increment)
                        + ", the minimum is "
                        + policy.minimumPromise(),
                    pair.lastCleared(),
                    heldSerial);
              }
              Myst owed = uncleared(c, p).plus(Myst.ofBaseUnits(increment));
              if (owed.compareTo(policy.exposureCap()) > 0) {
                return new PromiseRefusedException(
                    PromiseRefusedException.Reason.EXPOSURE_CAP,
                    "uncleared promises would reach "
                        + owed
                        + ", the cap is "
                        + policy.exposureCap(),
                    pair.lastCleared(),
                    heldSerial);
              }
              try (PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO received_promises (benefiter, issuer, serial, amount, signature,"
                          + " updated_at, state) VALUES (?, ?, ?, ?, ?, ?, 'HELD') ON CONFLICT"
                          + " (benefiter, issuer, serial) DO UPDATE SET amount = excluded.amount,"
                          + " signature = excluded.signature, updated_at = excluded.updated_at")) {
                s.setString(1, benefiter.toString());
                s.setString(2, p.issuer().toString());
                s.setLong(3, p.serial());
                s.setString(4, p.amount().baseUnits().toString());
                s.setBytes(5, signed.signature().toBytes());
                s.setLong(6, clock.millis());
                s.executeUpdate();
              }
              return new Accepted(signed, Myst.ofBaseUnits(increment), owed);
            });
    if (outcome instanceof PromiseRefusedException refused) {
      throw refused;
    }
    return (Accepted) outcome;
  }

  /**
   * Asks for a new serial on the issuer's next payment: the held serial takes no more updates, so
   * it can be cleared without an update racing the clearing (notify-before-clear).
   */
  public void freezeHeldSerial(Address issuer) throws StoreException {
    database.transaction(
        c -> {
          Optional<Held> held = highestHeld(c, issuer);
          pair(c, issuer);
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE promise_issuers SET frozen_serial = MAX(frozen_serial, ?) WHERE"
                      + " benefiter = ? AND issuer = ?")) {
            s.setLong(1, held.map(Held::serial).orElse(0L));
            s.setString(2, benefiter.toString());
            s.setString(3, issuer.toString());
            s.executeUpdate();
          }
          return null;
        });
  }

  /** Promises held from the issuer, lowest serial first: the order they must be cleared in. */
  public List<SignedPromise> held(Address issuer) throws StoreException {
    return database.transaction(
        c -> {
          List<SignedPromise> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT serial, amount, signature FROM received_promises WHERE benefiter = ? AND"
                      + " issuer = ? AND state = 'HELD' ORDER BY serial")) {
            s.setString(1, benefiter.toString());
            s.setString(2, issuer.toString());
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                out.add(
                    new SignedPromise(
                        new Promise(
                            issuer,
                            benefiter,
                            rows.getLong(1),
                            Myst.ofBaseUnits(new BigInteger(rows.getString(2)))),
                        Signature.parse(rows.getBytes(3))));
              }
            }
          }
          return out;
        });
  }

  /** What one issuer owes uncleared, and since when the oldest held promise was last updated. */
  public record Exposure(Address issuer, Myst uncleared, long oldestUpdateMillis) {}

  /** Every issuer with promises held: for the clearing policy (value and age thresholds). */
  public List<Exposure> exposures() throws StoreException {
    return database.transaction(
        c -> {
          List<Exposure> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT issuer, amount, updated_at FROM received_promises WHERE benefiter = ?"
                      + " AND state = 'HELD' ORDER BY issuer")) {
            s.setString(1, benefiter.toString());
            java.util.Map<String, BigInteger> totals = new java.util.LinkedHashMap<>();
            java.util.Map<String, Long> oldest = new java.util.HashMap<>();
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                totals.merge(rows.getString(1), new BigInteger(rows.getString(2)), BigInteger::add);
                oldest.merge(rows.getString(1), rows.getLong(3), Math::min);
              }
            }
            for (var entry : totals.entrySet()) {
              out.add(
                  new Exposure(
                      Address.parse(entry.getKey()),
                      Myst.ofBaseUnits(entry.getValue()),
                      oldest.get(entry.getKey())));
            }
          }
          return out;
        });
  }

  /** Issuers with promises held (e.g. to clear after a restart). */
  public List<Address> issuersWithHeldPromises() throws StoreException {
    return database.transaction(
        c -> {
          List<Address> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT DISTINCT issuer FROM received_promises WHERE benefiter = ? AND state ="
                      + " 'HELD' ORDER BY issuer")) {
            s.setString(1, benefiter.toString());
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                out.add(Address.parse(rows.getString(1)));
              }
            }
          }
          return out;
        });
  }

  /** What the issuer owes uncleared (the sum of held promises). */
  public Myst uncleared(Address issuer) throws StoreException {
    return held(issuer).stream()
        .map(s -> s.promise().amount())
        .reduce(Myst.ofBaseUnits(BigInteger.ZERO), Myst::plus);
  }

  /** The last serial of this issuer cleared on chain (0 when none). */
  public long lastCleared(Address issuer) throws StoreException {
    return database.transaction(c -> pair(c, issuer).lastCleared());
  }

  /**
   * A held promise the contract will never clear (its signature or amount is refused there): void,
   * so the clearing policy stops sending a transaction for it at every check.
   */
  public void voidUnclearable(Address issuer, long serial) throws StoreException {
    database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE received_promises SET state = 'VOIDED' WHERE benefiter = ? AND issuer = ?"
                      + " AND serial = ? AND state = 'HELD'")) {
            s.setString(1, benefiter.toString());
            s.setString(2, issuer.toString());
            s.setLong(3, serial);
            s.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Records a clearing seen on chain: that serial is cleared, the lower ones held are void (the
   * contract would refuse them now), and updates to it stop.
   */
  public void cleared(Address issuer, long serial) throws StoreException {
    database.transaction(
        c -> {
          pair(c, issuer);
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE received_promises SET state = CASE WHEN serial = ? THEN 'CLEARED' ELSE"
                      + " 'VOIDED' END WHERE benefiter = ? AND issuer = ? AND serial <= ? AND state"
                      + " = 'HELD'")) {
            s.setLong(1, serial);
            s.setString(2, benefiter.toString());
            s.setString(3, issuer.toString());
            s.setLong(4, serial);
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE promise_issuers SET last_cleared_serial = MAX(last_cleared_serial, ?),"
                      + " frozen_serial = MAX(frozen_serial, ?) WHERE benefiter = ? AND issuer"
                      + " = ?")) {
            s.setLong(1, serial);
            s.setLong(2, serial);
            s.setString(3, benefiter.toString());
            s.setString(4, issuer.toString());
            s.executeUpdate();
          }
          return null;
        });
  }

  private record Pair(long lastCleared, long frozenSerial) {}

  private record Held(long serial, BigInteger amount, byte[] signature) {}

  private Pair pair(Connection c, Address issuer) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT OR IGNORE INTO promise_issuers (benefiter, issuer) VALUES (?, ?)")) {
      s.setString(1, benefiter.toString());
      s.setString(2, issuer.toString());
      s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT last_cleared_serial, frozen_serial FROM promise_issuers WHERE benefiter = ?"
                + " AND issuer = ?")) {
      s.setString(1, benefiter.toString());
      s.setString(2, issuer.toString());
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return new Pair(rows.getLong(1), rows.getLong(2));
      }
    }
  }

  private Optional<Held> highestHeld(Connection c, Address issuer) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT serial, amount, signature FROM received_promises WHERE benefiter = ? AND"
                + " issuer = ? AND state = 'HELD' ORDER BY serial DESC LIMIT 1")) {
      s.setString(1, benefiter.toString());
      s.setString(2, issuer.toString());
      try (ResultSet rows = s.executeQuery()) {
        return rows.next()
            ? Optional.of(
                new Held(rows.getLong(1), new BigInteger(rows.getString(2)), rows.getBytes(3)))
            : Optional.empty();
      }
    }
  }

  private Myst uncleared(Connection c, Promise p) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT amount FROM received_promises WHERE benefiter = ? AND issuer = ? AND state ="
                + " 'HELD'")) {
      s.setString(1, benefiter.toString());
      s.setString(2, p.issuer().toString());
      BigInteger sum = BigInteger.ZERO;
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          sum = sum.add(new BigInteger(rows.getString(1)));
        }
      }
      return Myst.ofBaseUnits(sum);
    }
  }
}
