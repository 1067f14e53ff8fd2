package network.mysterium.payments;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.Signature;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * The issuer's (consumer's) ledger of promises (whitepaper 6.5.3), in SQLite. A payment raises the
 * current promise to the benefiter, or starts the next serial when the benefiter asked for one; the
 * promise is written before it is handed out for sending, so a crash at any point leaves either
 * nothing promised or the promise that is (re)sent after restart: never two.
 */
public final class IssuedPromises {
  private final Database database;
  private final Promises promises;
  private final PrivateKey issuer;
  private final Clock clock;
  // The last serial cleared per benefiter as the chain (or a checked refusal) said: the next
  // promise starts above it. Not stored: it is read again from the chain at each dialogue.
  private final java.util.Map<Address, Long> clearedFloor =
      new java.util.concurrent.ConcurrentHashMap<>();

  public IssuedPromises(Database database, Promises promises, PrivateKey issuer, Clock clock) {
    this.database = database;
    this.promises = promises;
    this.issuer = issuer;
    this.clock = clock;
  }

  /** Whose ledger this is. */
  public Address issuer() {
    return issuer.address();
  }

  /** Pays {@code increment} more to the benefiter: the signed promise to send. */
  public SignedPromise pay(Address benefiter, Myst increment) throws StoreException {
    if (increment.baseUnits().signum() <= 0) {
      throw new IllegalArgumentException("a payment must be positive, got " + increment);
    }
    return database.transaction(
        c -> {
          Optional<SignedPromise> current = current(c, benefiter);
          boolean newSerial = newSerialRequested(c, benefiter);
          long floor = clearedFloor.getOrDefault(benefiter, 0L);
          long currentSerial = current.map(s -> s.promise().serial()).orElse(0L);
          Promise next =
              current.isPresent() && !newSerial && currentSerial > floor
                  ? current
                      .get()
                      .promise()
                      .raisedTo(current.get().promise().amount().plus(increment))
                  : new Promise(
                      issuer.address(),
                      benefiter,
                      Math.addExact(Math.max(currentSerial, floor), 1),
                      increment);
          SignedPromise signed = promises.sign(next, issuer);
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO issued_promises (issuer, benefiter, serial, amount, signature,"
                      + " issued_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, benefiter,"
                      + " serial) DO UPDATE SET amount = excluded.amount, signature ="
                      + " excluded.signature, issued_at = excluded.issued_at")) {
            s.setString(1, issuer.address().toString());
            s.setString(2, benefiter.toString());
            s.setLong(3, next.serial());
            s.setString(4, next.amount().baseUnits().toString());
            s.setBytes(5, signed.signature().toBytes());
            s.setLong(6, clock.millis());
            s.executeUpdate();
          }
          if (newSerial) {
            setNewSerialRequested(c, benefiter, false);
          }
          return signed;
        });
  }

  /**
   * Serials up to {@code serial} are cleared (or otherwise closed) for the benefiter: the next
   * payment starts above it. Only ever moves up.
   */
  public void resync(Address benefiter, long serial) {
    if (serial > 0) {
      clearedFloor.merge(benefiter, serial, Math::max);
    }
  }

  /**
   * A raise the benefiter refused: the ledger goes back to the promise it holds, so the ledger says
   * what an honest benefiter can clear (the refused signature is counted by the caller as at risk).
   */
  public void restore(SignedPromise previous) throws StoreException {
    Promise p = previous.promise();
    database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE issued_promises SET amount = ?, signature = ? WHERE issuer = ? AND"
                      + " benefiter = ? AND serial = ?")) {
            s.setString(1, p.amount().baseUnits().toString());
            s.setBytes(2, previous.signature().toBytes());
            s.setString(3, issuer.address().toString());
            s.setString(4, p.benefiter().toString());
            s.setLong(5, p.serial());
            s.executeUpdate();
          }
          return null;
        });
  }

  /**
   * A refused new serial (nothing of it can be cleared: it was refused before it was held): the
   * ledger forgets it.
   */
  public void forget(SignedPromise refused) throws StoreException {
    Promise p = refused.promise();
    database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "DELETE FROM issued_promises WHERE issuer = ? AND benefiter = ? AND serial = ?"
                      + " AND amount = ?")) {
            s.setString(1, issuer.address().toString());
            s.setString(2, p.benefiter().toString());
            s.setLong(3, p.serial());
            s.setString(4, p.amount().baseUnits().toString());
            s.executeUpdate();
          }
          return null;
        });
  }

  /** The benefiter asked for a new promise (serial) on the next payment. */
  public void newSerialRequested(Address benefiter) throws StoreException {
    database.transaction(
        c -> {
          setNewSerialRequested(c, benefiter, true);
          return null;
        });
  }

  /** The promise last issued to the benefiter: what to send again after a restart. */
  public Optional<SignedPromise> current(Address benefiter) throws StoreException {
    return database.transaction(c -> current(c, benefiter));
  }

  /** Every promise this issuer made (the last amount of each serial), by benefiter and serial. */
  public java.util.List<SignedPromise> issued() throws StoreException {
    return issued(database, issuer.address());
  }

  /**
   * Every promise {@code issuer} made in this database's ledger (the last amount of each serial),
   * by benefiter and serial: read without its key.
   */
  public static java.util.List<SignedPromise> issued(Database database, Address issuer)
      throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT benefiter, serial, amount, signature FROM issued_promises WHERE issuer"
                      + " = ? ORDER BY benefiter, serial")) {
            s.setString(1, issuer.toString());
            java.util.List<SignedPromise> all = new java.util.ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                all.add(
                    new SignedPromise(
                        new Promise(
                            issuer,
                            Address.parse(rows.getString(1)),
                            rows.getLong(2),
                            Myst.ofBaseUnits(new BigInteger(rows.getString(3)))),
                        Signature.parse(rows.getBytes(4))));
              }
            }
            return all;
          }
        });
  }

  /** Everything promised to the benefiter, over all serials. */
  public Myst totalPromised(Address benefiter) throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT amount FROM issued_promises WHERE issuer = ? AND benefiter = ?")) {
            s.setString(1, issuer.address().toString());
            s.setString(2, benefiter.toString());
            BigInteger sum = BigInteger.ZERO;
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                sum = sum.add(new BigInteger(rows.getString(1)));
              }
            }
            return Myst.ofBaseUnits(sum);
          }
        });
  }

  private Optional<SignedPromise> current(Connection c, Address benefiter) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT serial, amount, signature FROM issued_promises WHERE issuer = ? AND"
                + " benefiter = ? ORDER BY serial DESC LIMIT 1")) {
      s.setString(1, issuer.address().toString());
      s.setString(2, benefiter.toString());
      try (ResultSet rows = s.executeQuery()) {
        return rows.next()
            ? Optional.of(
                new SignedPromise(
                    new Promise(
                        issuer.address(),
                        benefiter,
                        rows.getLong(1),
                        Myst.ofBaseUnits(new BigInteger(rows.getString(2)))),
                    Signature.parse(rows.getBytes(3))))
            : Optional.empty();
      }
    }
  }

  private boolean newSerialRequested(Connection c, Address benefiter) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT new_serial_requested FROM promise_benefiters WHERE issuer = ? AND benefiter"
                + " = ?")) {
      s.setString(1, issuer.address().toString());
      s.setString(2, benefiter.toString());
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() && rows.getInt(1) != 0;
      }
    }
  }

  private void setNewSerialRequested(Connection c, Address benefiter, boolean requested)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO promise_benefiters (issuer, benefiter, new_serial_requested) VALUES (?,"
                + " ?, ?) ON CONFLICT (issuer, benefiter) DO UPDATE SET new_serial_requested ="
                + " excluded.new_serial_requested")) {
      s.setString(1, issuer.address().toString());
      s.setString(2, benefiter.toString());
      s.setInt(3, requested ? 1 : 0);
      s.executeUpdate();
    }
  }
}
