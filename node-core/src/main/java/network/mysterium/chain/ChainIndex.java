package network.mysterium.chain;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import network.mysterium.crypto.Address;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * The node's local copy of what the contracts said (whitepaper 6.1): registered identities with
 * their public keys, announced proposals, payment events and the balances they add up to, plus the
 * follower's cursor. Everything of one ingest step is written in one transaction.
 */
public final class ChainIndex implements RegisteredIdentities {
  /** How many processed block hashes are kept for finding where a reorg forked. */
  static final int KEPT_BLOCK_HASHES = 512;

  /** A block the follower has processed. */
  public record BlockRef(long number, String hash) {}

  /** An identity registered on-chain. */
  public record Registration(
      Address identity, byte[] publicKey, BigInteger stake, long blockNumber) {}

  /** A requested withdrawal not yet completed: where to, how much, from when (chain time). */
  public record PendingWithdrawal(
      Address identity, Address to, BigInteger amount, java.time.Instant completableAt) {}

  private final Database database;

  public ChainIndex(Database database) {
    this.database = database;
  }

  /** The last processed block and the chain it belongs to, if any block was processed yet. */
  public Optional<BlockRef> cursor(long chainId) throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT chain_id, block_number, block_hash FROM chain_cursor");
              ResultSet rows = s.executeQuery()) {
            if (!rows.next()) {
              return Optional.empty();
            }
            if (rows.getLong(1) != chainId) {
              throw new SQLException(
                  "this database follows chain "
                      + rows.getLong(1)
                      + ", not chain "
                      + chainId
                      + ": use another data directory");
            }
            return Optional.of(new BlockRef(rows.getLong(2), rows.getString(3)));
          }
        });
  }

  /** Processed blocks, newest first: candidates for the common ancestor after a reorg. */
  public List<BlockRef> recentBlocks() throws StoreException {
    return database.transaction(
        c -> {
          List<BlockRef> blocks = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT block_number, block_hash FROM chain_blocks ORDER BY block_number"
                          + " DESC");
              ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
              blocks.add(new BlockRef(rows.getLong(1), rows.getString(2)));
            }
          }
          return blocks;
        });
  }

  /**
   * Stores the events of a block range and moves the cursor to its end, atomically. Events are
   * keyed by position, so ingesting a range twice stores nothing twice.
   */
  public void ingest(
      long chainId, Collection<ChainEvent> events, Collection<BlockRef> blocks, BlockRef cursor)
      throws StoreException {
    database.transaction(
        c -> {
          for (ChainEvent event : events) {
            insert(c, event);
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT OR REPLACE INTO chain_blocks (block_number, block_hash) VALUES (?, ?)")) {
            for (BlockRef block : blocks) {
              s.setLong(1, block.number());
              s.setString(2, block.hash());
              s.addBatch();
            }
            s.executeBatch();
          }
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM chain_blocks WHERE block_number < ?")) {
            s.setLong(1, cursor.number() - KEPT_BLOCK_HASHES);
            s.executeUpdate();
          }
          setCursor(c, chainId, cursor);
          return null;
        });
  }

  /** Forgets everything above the common ancestor of a reorg (or everything, if none is known). */
  public void rewindTo(long chainId, Optional<BlockRef> ancestor) throws StoreException {
    long keep = ancestor.map(BlockRef::number).orElse(-1L);
    database.transaction(
        c -> {
          for (String table :
              List.of(
                  "identities",
                  "announcements",
                  "payment_events",
                  "withdrawal_requests",
                  "identity_defaults",
                  "registration_events",
                  "chain_blocks")) {
            try (PreparedStatement s =
                c.prepareStatement("DELETE FROM " + table + " WHERE block_number > ?")) {
              s.setLong(1, keep);
              s.executeUpdate();
            }
          }
          if (ancestor.isPresent()) {
            setCursor(c, chainId, ancestor.get());
          } else {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM chain_cursor")) {
              s.executeUpdate();
            }
          }
          return null;
        });
  }

  @Override
  public Optional<Registration> registration(Address identity) throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT public_key, stake, block_number FROM identities WHERE address = ?")) {
            s.setString(1, identity.toString());
            try (ResultSet rows = s.executeQuery()) {
              return rows.next()
                  ? Optional.of(
                      new Registration(
                          identity,
                          rows.getBytes(1),
                          new BigInteger(rows.getString(2)),
                          rows.getLong(3)))
                  : Optional.empty();
            }
          }
        });
  }

  @Override
  public Set<Address> registeredAmong(Collection<Address> candidates) throws StoreException {
    return database.transaction(
        c -> {
          Set<Address> registered = new HashSet<>();
          try (PreparedStatement s =
              c.prepareStatement("SELECT 1 FROM identities WHERE address = ?")) {
            for (Address candidate : candidates) {
              s.setString(1, candidate.toString());
              try (ResultSet rows = s.executeQuery()) {
                if (rows.next()) {
                  registered.add(candidate);
                }
              }
            }
          }
          return registered;
        });
  }

  /**
   * The identity's balance in the payments contract as the indexed events add it up: deposits, plus
   * clearings received (net of fee), minus clearings paid and withdrawals.
   */
  public BigInteger balanceOf(Address identity) throws StoreException {
    return database.transaction(
        c -> {
          BigInteger balance = BigInteger.ZERO;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT kind, identity = ?1, paid, fee FROM payment_events"
                      + " WHERE identity = ?1 OR (kind = 'clearing' AND counterparty = ?1)")) {
            s.setString(1, identity.toString());
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                BigInteger paid = new BigInteger(rows.getString(3));
                BigInteger fee = new BigInteger(rows.getString(4));
                boolean own = rows.getBoolean(2);
                balance =
                    switch (rows.getString(1)) {
                      case "deposit", "fees" -> balance.add(paid);
                      case "withdrawal" -> balance.subtract(paid);
                      default -> own ? balance.subtract(paid) : balance.add(paid.subtract(fee));
                    };
              }
            }
          }
          return balance;
        });
  }

  /**
   * Withdrawals requested and not completed, one per identity (its latest request: a new one
   * replaces the old on chain too).
   */
  public List<PendingWithdrawal> pendingWithdrawals() throws StoreException {
    return database.transaction(
        c -> {
          List<PendingWithdrawal> found = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT r.identity, r.recipient, r.amount, r.completable_at FROM"
                          + " withdrawal_requests r WHERE NOT EXISTS (SELECT 1 FROM"
                          + " withdrawal_requests later WHERE later.identity = r.identity AND"
                          + " (later.block_number > r.block_number OR (later.block_number ="
                          + " r.block_number AND later.log_index > r.log_index))) AND NOT EXISTS"
                          + " (SELECT 1 FROM payment_events w WHERE w.kind = 'withdrawal' AND"
                          + " w.identity = r.identity AND w.serial = r.nonce)");
              ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
              found.add(
                  new PendingWithdrawal(
                      Address.parse(rows.getString(1)),
                      Address.parse(rows.getString(2)),
                      new BigInteger(rows.getString(3)),
                      java.time.Instant.ofEpochSecond(rows.getLong(4))));
            }
          }
          return found;
        });
  }

  /** How many promises the identity issued that were cleared (by any benefiter): its history. */
  public long clearedCount(Address issuer) throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM payment_events WHERE kind = 'clearing' AND identity = ?")) {
            s.setString(1, issuer.toString());
            try (ResultSet rows = s.executeQuery()) {
              return rows.getLong(1);
            }
          }
        });
  }

  /**
   * The highest serial of the issuer's promises the chain cleared, per benefiter: serials up to it
   * are closed (the contract takes none of them again), the ones above it are still owed.
   */
  public java.util.Map<Address, Long> lastClearedSerials(Address issuer) throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT counterparty, MAX(CAST(serial AS INTEGER)) FROM payment_events WHERE kind"
                      + " = 'clearing' AND identity = ? GROUP BY counterparty")) {
            s.setString(1, issuer.toString());
            java.util.Map<Address, Long> out = new java.util.HashMap<>();
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                out.put(Address.parse(rows.getString(1)), rows.getLong(2));
              }
            }
            return out;
          }
        });
  }

  /**
   * Whether a promise the identity signed was cleared against its stake since it last registered
   * (whitepaper 6.5.6): its proposals are dropped and its promises refused.
   */
  public boolean isDefaulted(Address identity) throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT 1 FROM defaulted_identities WHERE identity = ?")) {
            s.setString(1, identity.toString());
            try (ResultSet rows = s.executeQuery()) {
              return rows.next();
            }
          }
        });
  }

  /** Announcements from a block on, oldest first. */
  public List<ChainEvent.ProposalAnnounced> announcementsSince(long blockNumber)
      throws StoreException {
    return database.transaction(
        c -> {
          List<ChainEvent.ProposalAnnounced> found = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT block_number, log_index, tx_hash, provider, serial, proposal FROM"
                      + " announcements WHERE block_number >= ? ORDER BY block_number,"
                      + " log_index")) {
            s.setLong(1, blockNumber);
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                found.add(
                    new ChainEvent.ProposalAnnounced(
                        new ChainEvent.Position(
                            rows.getLong(1), null, rows.getInt(2), rows.getString(3)),
                        Address.parse(rows.getString(4)),
                        rows.getLong(5),
                        rows.getBytes(6)));
              }
            }
          }
          return found;
        });
  }

  /** How many events of each table are stored: identities, announcements, payment events. */
  public long eventCount() throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT (SELECT COUNT(*) FROM identities) + (SELECT COUNT(*) FROM"
                          + " announcements) + (SELECT COUNT(*) FROM payment_events) + (SELECT"
                          + " COUNT(*) FROM withdrawal_requests) + (SELECT COUNT(*) FROM"
                          + " identity_defaults)");
              ResultSet rows = s.executeQuery()) {
            return rows.getLong(1);
          }
        });
  }

  private static void setCursor(Connection c, long chainId, BlockRef cursor) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT OR REPLACE INTO chain_cursor (id, chain_id, block_number, block_hash) VALUES"
                + " (1, ?, ?, ?)")) {
      s.setLong(1, chainId);
      s.setLong(2, cursor.number());
      s.setString(3, cursor.hash());
      s.executeUpdate();
    }
  }

  private static void insert(Connection c, ChainEvent event) throws SQLException {
    ChainEvent.Position at = event.position();
    switch (event) {
      case ChainEvent.IdentityDefaulted e -> {
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT OR IGNORE INTO identity_defaults (block_number, log_index, identity,"
                    + " benefiter, taken, tx_hash) VALUES (?, ?, ?, ?, ?, ?)")) {
          s.setLong(1, at.blockNumber());
          s.setInt(2, at.logIndex());
          s.setString(3, e.identity().toString());
          s.setString(4, e.benefiter().toString());
          s.setString(5, e.taken().toString());
          s.setString(6, at.transactionHash());
          s.executeUpdate();
        }
      }
      case ChainEvent.IdentityRegistered e -> {
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT OR IGNORE INTO registration_events (block_number, log_index, identity)"
                    + " VALUES (?, ?, ?)")) {
          s.setLong(1, at.blockNumber());
          s.setInt(2, at.logIndex());
          s.setString(3, e.identity().toString());
          s.executeUpdate();
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT OR IGNORE INTO identities (address, public_key, payer, stake, block_number,"
                    + " log_index, tx_hash) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          s.setString(1, e.identity().toString());
          s.setBytes(2, e.publicKey());
          s.setString(3, e.payer().toString());
          s.setString(4, e.stake().toString());
          s.setLong(5, at.blockNumber());
          s.setInt(6, at.logIndex());
          s.setString(7, at.transactionHash());
          s.executeUpdate();
        }
      }
      case ChainEvent.ProposalAnnounced e -> {
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT OR IGNORE INTO announcements (block_number, log_index, provider, serial,"
                    + " proposal, tx_hash) VALUES (?, ?, ?, ?, ?, ?)")) {
          s.setLong(1, at.blockNumber());
          s.setInt(2, at.logIndex());
          s.setString(3, e.provider().toString());
          s.setLong(4, e.serial());
          s.setBytes(5, e.proposal());
          s.setString(6, at.transactionHash());
          s.executeUpdate();
        }
      }
      case ChainEvent.Deposited e ->
          insertPayment(
              c,
              at,
              "deposit",
              e.identity(),
              e.from(),
              null,
              e.amount(),
              e.amount(),
              BigInteger.ZERO);
      case ChainEvent.PromiseCleared e ->
          insertPayment(
              c,
              at,
              "clearing",
              e.issuer(),
              e.benefiter(),
              e.serial(),
              e.amount(),
              e.paid(),
              e.fee());
      case ChainEvent.FeesCollected e ->
          insertPayment(
              c,
              at,
              "fees",
              e.feeAccount(),
              e.feeAccount(),
              null,
              e.amount(),
              e.amount(),
              BigInteger.ZERO);
      case ChainEvent.WithdrawalRequested e -> {
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT OR IGNORE INTO withdrawal_requests (block_number, log_index, identity,"
                    + " recipient, amount, completable_at, nonce, tx_hash) VALUES (?, ?, ?, ?, ?,"
                    + " ?, ?, ?)")) {
          s.setLong(1, at.blockNumber());
          s.setInt(2, at.logIndex());
          s.setString(3, e.identity().toString());
          s.setString(4, e.to().toString());
          s.setString(5, e.amount().toString());
          // a hostile log could claim any time: clamped to the year 9999, a time Instant holds
          s.setLong(6, e.completableAt().min(BigInteger.valueOf(253_402_300_799L)).longValue());
          s.setString(7, e.nonce().toString());
          s.setString(8, at.transactionHash());
          s.executeUpdate();
        }
      }
      case ChainEvent.Withdrawn e ->
          insertPayment(
              c,
              at,
              "withdrawal",
              e.identity(),
              e.to(),
              e.nonce(),
              e.amount(),
              e.amount(),
              BigInteger.ZERO);
    }
  }

  private static void insertPayment(
      Connection c,
      ChainEvent.Position at,
      String kind,
      Address identity,
      Address counterparty,
      BigInteger serial,
      BigInteger amount,
      BigInteger paid,
      BigInteger fee)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT OR IGNORE INTO payment_events (block_number, log_index, kind, identity,"
                + " counterparty, serial, amount, paid, fee, tx_hash) VALUES (?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?)")) {
      s.setLong(1, at.blockNumber());
      s.setInt(2, at.logIndex());
      s.setString(3, kind);
      s.setString(4, identity.toString());
      s.setString(5, counterparty.toString());
      s.setString(6, serial == null ? null : serial.toString());
      s.setString(7, amount.toString());
      s.setString(8, paid.toString());
      s.setString(9, fee.toString());
      s.setString(10, at.transactionHash());
      s.executeUpdate();
    }
  }
}
