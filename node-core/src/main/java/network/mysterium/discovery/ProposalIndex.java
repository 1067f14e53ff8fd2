package network.mysterium.discovery;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import network.mysterium.chain.ChainEvent;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.RegisteredIdentities;
import network.mysterium.crypto.Address;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * The consumer's index of providers' proposals (whitepaper 6.4.3), derived from the announcements
 * the chain follower stored: verified, from registered identities, one current proposal per
 * provider and service type (a higher serial supersedes, the same serial replaces), expired when
 * not re-announced within the window, and searchable by price.
 */
public final class ProposalIndex {
  /** Blocks after which a proposal that was not re-announced is dropped (whitepaper: ~60,000). */
  public static final long DEFAULT_EXPIRY_BLOCKS = 60_000;

  private static final int VERIFY_BATCH = 512;

  /** A search; empty fields match everything. */
  public record Query(
      Optional<String> serviceType,
      Optional<String> providedFrom,
      Optional<String> origin,
      Optional<Long> asn,
      Optional<ServiceProposal.Metering> metering,
      Optional<BigInteger> maxPricePerUnit,
      Optional<Long> minBandwidthKbps,
      boolean preferredFirst,
      int limit) {
    /** Proposals of a service type in a country (either may be empty: any), cheapest first. */
    public static Query of(Optional<String> serviceType, Optional<String> country, int limit) {
      return new Query(
          serviceType,
          country,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false,
          limit);
    }

    /** The same query for at most {@code limit} listings. */
    public Query withLimit(int limit) {
      return new Query(
          serviceType,
          providedFrom,
          origin,
          asn,
          metering,
          maxPricePerUnit,
          minBandwidthKbps,
          preferredFirst,
          limit);
    }

    /** Whether a proposal meets the query (what the SQL search selects, in Java). */
    public boolean matches(ServiceProposal p) {
      return serviceType.map(p.serviceType()::equals).orElse(true)
          && providedFrom.map(p.providedFrom().country()::equals).orElse(true)
          && origin.map(p.origin().country()::equals).orElse(true)
          && asn.map(a -> a == p.providedFrom().asn() || a == p.origin().asn()).orElse(true)
          && metering.map(m -> m == p.metering()).orElse(true)
          && maxPricePerUnit.map(max -> withinMaxPrice(p, max)).orElse(true)
          && minBandwidthKbps.map(min -> p.bandwidthKbps() >= min).orElse(true);
    }

    /**
     * Within the maximum price: per unit when the query names a metering (all results have that
     * unit), else as a price per MB against each proposal's {@link ComparablePrice} (hourly cost).
     */
    private boolean withinMaxPrice(ServiceProposal p, BigInteger max) {
      return metering.isPresent()
          ? p.pricePerUnit().baseUnits().compareTo(max) <= 0
          : ComparablePrice.perHour(p)
                  .compareTo(ComparablePrice.perHour(ServiceProposal.Metering.PER_MEGABYTE, max))
              <= 0;
    }

    public static Query all() {
      return new Query(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false,
          100);
    }
  }

  /**
   * A search result, with the signed bytes the chain carried (for consumers who verify the
   * provider's signature themselves).
   */
  public record Listing(
      ServiceProposal proposal, long announcedBlock, boolean preferred, byte[] signedProposal) {}

  private final Database database;
  private final ChainIndex chain;
  private final RegisteredIdentities registry;
  private final SignedProposals verifier;
  private final ExpiryWindow expiry;

  public ProposalIndex(
      Database database,
      ChainIndex chain,
      RegisteredIdentities registry,
      SignedProposals verifier,
      long expiryBlocks) {
    this(database, chain, registry, verifier, ExpiryWindow.blocksOnly(expiryBlocks));
  }

  public ProposalIndex(
      Database database,
      ChainIndex chain,
      RegisteredIdentities registry,
      SignedProposals verifier,
      ExpiryWindow expiry) {
    this.database = database;
    this.chain = chain;
    this.registry = registry;
    this.verifier = verifier;
    this.expiry = expiry;
  }

  /**
   * The index of a deployment's proposals in a node's database, expiring them by the deployment's
   * window in blocks only (where no chain clock is at hand).
   */
  public static ProposalIndex of(
      Database database, ChainIndex chain, network.mysterium.contracts.Deployment deployment) {
    return new ProposalIndex(
        database,
        chain,
        chain,
        SignedProposals.of(deployment),
        ExpiryWindow.blocksOnly(deployment.proposalExpiry().blocks()));
  }

  /** As above, expiring by the deployment's window in blocks and in the chain's time. */
  public static ProposalIndex of(
      Database database,
      ChainIndex chain,
      network.mysterium.contracts.Deployment deployment,
      BlockTimes times) {
    return new ProposalIndex(
        database,
        chain,
        chain,
        SignedProposals.of(deployment),
        ExpiryWindow.of(deployment.proposalExpiry(), times));
  }

  /**
   * Brings the index up to the chain index's announcements. If the chain index rewound below what
   * was derived (a reorg), the index is rebuilt from the announcements that remain.
   */
  public int sync() throws StoreException {
    long[] cursor = cursor();
    List<ChainEvent.ProposalAnnounced> fresh = chain.announcementsSince(cursor[0]);
    boolean cursorStillThere =
        cursor[0] < 0
            || fresh.stream()
                .anyMatch(
                    a ->
                        a.position().blockNumber() == cursor[0]
                            && a.position().logIndex() == cursor[1]);
    if (!cursorStillThere) {
      database.transaction(
          c -> {
            execute(c, "DELETE FROM proposals");
            execute(c, "DELETE FROM proposal_cursor");
            return null;
          });
      return sync();
    }
    List<ChainEvent.ProposalAnnounced> unseen =
        fresh.stream()
            .filter(
                a -> a.position().blockNumber() != cursor[0] || a.position().logIndex() > cursor[1])
            .toList();
    Set<Address> registered =
        registry.registeredAmong(
            unseen.stream().map(ChainEvent.ProposalAnnounced::provider).distinct().toList());
    ChainEvent.Position last = fresh.isEmpty() ? null : fresh.getLast().position();
    // Signature recovery dominates: batches are verified on every core (virtual threads: their
    // carriers are one per core), all before the transaction that stores them in announcement
    // order, so the node's one database connection is never held while signatures are checked
    // (every datagram of a stranger may need it for a registry lookup).
    List<List<Object>> batches = new ArrayList<>();
    try (ExecutorService verifiers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<Object>>> pending = new ArrayList<>();
      for (int from = 0; from < unseen.size(); from += VERIFY_BATCH) {
        List<ChainEvent.ProposalAnnounced> batch =
            unseen.subList(from, Math.min(unseen.size(), from + VERIFY_BATCH));
        pending.add(
            verifiers.submit(() -> batch.stream().map(a -> verify(a, registered)).toList()));
      }
      for (Future<List<Object>> batch : pending) {
        batches.add(await(batch));
      }
    }
    return database.transaction(
        c -> {
          int stored = 0;
          Map<SignedProposals.Rejection, Integer> rejected =
              new EnumMap<>(SignedProposals.Rejection.class);
          try (Statements statements = Statements.prepare(c)) {
            for (int b = 0; b < batches.size(); b++) {
              List<Object> outcomes = batches.get(b);
              for (int i = 0; i < outcomes.size(); i++) {
                if (outcomes.get(i) instanceof Verified proposal) {
                  long block = unseen.get(b * VERIFY_BATCH + i).position().blockNumber();
                  if (store(statements, proposal, block)) {
                    stored++;
                  } else {
                    rejected.merge(SignedProposals.Rejection.SUPERSEDED, 1, Integer::sum);
                  }
                } else {
                  rejected.merge((SignedProposals.Rejection) outcomes.get(i), 1, Integer::sum);
                }
              }
            }
          }
          for (var entry : rejected.entrySet()) {
            count(c, entry.getKey(), entry.getValue());
          }
          if (last != null) {
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT OR REPLACE INTO proposal_cursor (id, block_number, log_index)"
                        + " VALUES (1, ?, ?)")) {
              s.setLong(1, last.blockNumber());
              s.setInt(2, last.logIndex());
              s.executeUpdate();
            }
          }
          return stored;
        });
  }

  private static List<Object> await(Future<List<Object>> batch) {
    try {
      return batch.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while verifying proposals", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("verifying proposals failed", e.getCause());
    }
  }

  /** A proposal that passed verification, encoded off the storing thread. */
  private record Verified(ServiceProposal proposal, byte[] encoded, byte[] signed) {}

  /** The verified proposal, or the reason it was dropped. */
  private Object verify(ChainEvent.ProposalAnnounced announcement, Set<Address> registered) {
    // The contract lets anyone announce (the registration is checked here, from the registry's
    // events): an unregistered sender costs a set lookup, never a signature recovery.
    if (!registered.contains(announcement.provider())) {
      return SignedProposals.Rejection.UNREGISTERED;
    }
    try {
      ServiceProposal proposal =
          verifier.verify(announcement.proposal(), announcement.provider(), announcement.serial());
      return new Verified(proposal, proposal.encode(), announcement.proposal());
    } catch (SignedProposals.RejectedProposalException e) {
      return e.reason();
    } catch (RuntimeException e) {
      // Announcements are anyone's bytes: whatever slipped past the decoder's checks is refused
      // here, never thrown through sync (which would stop the index at this announcement).
      return SignedProposals.Rejection.MALFORMED;
    }
  }

  /** Proposals matching the query and announced within the expiry window, cheapest first. */
  public List<Listing> search(Query query, long headBlock) throws StoreException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT p.proposal, p.announced_block, pp.provider IS NOT NULL, p.signed FROM proposals"
                + " p LEFT JOIN preferred_providers pp ON pp.provider = p.provider WHERE"
                + " p.announced_block >= ?"
                // a provider whose promise was cleared against its stake is no one to trust
                + " AND p.provider NOT IN (SELECT identity FROM defaulted_identities)");
    List<Object> args = new ArrayList<>();
    args.add(expiry.oldestCurrent(headBlock));
    query.serviceType().ifPresent(v -> add(sql, args, " AND p.service_type = ?", v));
    query.providedFrom().ifPresent(v -> add(sql, args, " AND p.provided_country = ?", v));
    query.origin().ifPresent(v -> add(sql, args, " AND p.origin_country = ?", v));
    query
        .asn()
        .ifPresent(v -> add(sql, args, " AND (p.provided_asn = ? OR p.origin_asn = ?)", v, v));
    query.metering().ifPresent(v -> add(sql, args, " AND p.metering = ?", v.name()));
    String hourly = ComparablePrice.sql("p.price", "p.metering");
    if (query.maxPricePerUnit().isPresent()) {
      BigInteger max = query.maxPricePerUnit().get();
      if (query.metering().isPresent()) {
        add(sql, args, " AND p.price <= ?", padded(max));
      } else { // a coarse cut in floating point; the exact rule is applied to the rows below
        double perHour =
            ComparablePrice.perHour(ServiceProposal.Metering.PER_MEGABYTE, max).doubleValue();
        add(sql, args, " AND " + hourly + " <= ?", perHour * (1 + 1e-9));
      }
    }
    query.minBandwidthKbps().ifPresent(v -> add(sql, args, " AND p.bandwidth_kbps >= ?", v));
    // per-MB and per-second prices compared as the hourly cost at the reference usage (D7)
    sql.append(
        query.preferredFirst()
            ? " ORDER BY pp.provider IS NULL, " + hourly + ", p.provider"
            : " ORDER BY " + hourly + ", p.provider");
    sql.append(" LIMIT ").append(Math.max(1, query.limit()));
    return database.transaction(
        c -> {
          List<Listing> results = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              s.setObject(i + 1, args.get(i));
            }
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                results.add(
                    new Listing(
                        ServiceProposal.decode(rows.getBytes(1)),
                        rows.getLong(2),
                        rows.getBoolean(3),
                        rows.getBytes(4)));
              }
            }
          }
          // the exact rule and order (floating point in SQL only narrowed and roughly ordered)
          results.removeIf(l -> !query.matches(l.proposal()));
          results.sort(
              Comparator.comparing((Listing l) -> query.preferredFirst() && !l.preferred())
                  .thenComparing(Listing::proposal, ComparablePrice.CHEAPEST_FIRST));
          return results;
        });
  }

  /**
   * The highest serial the index holds from a provider, over its service types and whether expired
   * or not (0 if none): where a provider whose own database is new continues counting.
   */
  public long highestSerialOf(Address provider) throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT COALESCE(MAX(serial), 0) FROM proposals WHERE provider = ?")) {
            s.setString(1, provider.toString());
            try (ResultSet rows = s.executeQuery()) {
              return rows.getLong(1);
            }
          }
        });
  }

  /** Marks or unmarks a provider as preferred (by the user, or after good sessions). */
  public void setPreferred(Address provider, boolean preferred) throws StoreException {
    database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  preferred
                      ? "INSERT OR IGNORE INTO preferred_providers (provider) VALUES (?)"
                      : "DELETE FROM preferred_providers WHERE provider = ?")) {
            s.setString(1, provider.toString());
            s.executeUpdate();
          }
          return null;
        });
  }

  /** How many announcements were dropped, per reason. */
  public Map<SignedProposals.Rejection, Long> rejections() throws StoreException {
    return database.transaction(
        c -> {
          Map<SignedProposals.Rejection, Long> counts =
              new EnumMap<>(SignedProposals.Rejection.class);
          try (PreparedStatement s =
                  c.prepareStatement("SELECT reason, count FROM proposal_rejections");
              ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
              counts.put(SignedProposals.Rejection.valueOf(rows.getString(1)), rows.getLong(2));
            }
          }
          return counts;
        });
  }

  /** The two statements that store proposals, prepared once per sync. */
  private record Statements(PreparedStatement currentSerial, PreparedStatement upsert)
      implements AutoCloseable {
    static Statements prepare(Connection c) throws SQLException {
      return new Statements(
          c.prepareStatement(
              "SELECT serial FROM proposals WHERE provider = ? AND service_type = ?"),
          c.prepareStatement(
              "INSERT OR REPLACE INTO proposals (provider, serial, service_type, provided_country,"
                  + " provided_asn, origin_country, origin_asn, bandwidth_kbps, metering, price,"
                  + " proposal, announced_block, signed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                  + " ?, ?)"));
    }

    @Override
    public void close() throws SQLException {
      currentSerial.close();
      upsert.close();
    }
  }

  /** Stores the proposal unless the provider already has a higher serial for that service. */
  private static boolean store(Statements statements, Verified verified, long block)
      throws SQLException {
    ServiceProposal p = verified.proposal();
    PreparedStatement s = statements.currentSerial();
    s.setString(1, p.provider().toString());
    s.setString(2, p.serviceType());
    try (ResultSet rows = s.executeQuery()) {
      if (rows.next() && rows.getLong(1) > p.serial()) {
        return false;
      }
    }
    PreparedStatement u = statements.upsert();
    u.setString(1, p.provider().toString());
    u.setLong(2, p.serial());
    u.setString(3, p.serviceType());
    u.setString(4, p.providedFrom().country());
    u.setLong(5, p.providedFrom().asn());
    u.setString(6, p.origin().country());
    u.setLong(7, p.origin().asn());
    u.setLong(8, p.bandwidthKbps());
    u.setString(9, p.metering().name());
    u.setString(10, padded(p.pricePerUnit().baseUnits()));
    u.setBytes(11, verified.encoded());
    u.setLong(12, block);
    u.setBytes(13, verified.signed());
    u.executeUpdate();
    return true;
  }

  private long[] cursor() throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
                  c.prepareStatement("SELECT block_number, log_index FROM proposal_cursor");
              ResultSet rows = s.executeQuery()) {
            return rows.next()
                ? new long[] {rows.getLong(1), rows.getLong(2)}
                : new long[] {-1, -1};
          }
        });
  }

  private static void count(Connection c, SignedProposals.Rejection reason, int n)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO proposal_rejections (reason, count) VALUES (?, ?)"
                + " ON CONFLICT(reason) DO UPDATE SET count = count + excluded.count")) {
      s.setString(1, reason.name());
      s.setInt(2, n);
      s.executeUpdate();
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.executeUpdate();
    }
  }

  private static void add(StringBuilder sql, List<Object> args, String clause, Object... values) {
    sql.append(clause);
    args.addAll(List.of(values));
  }

  static String padded(BigInteger value) {
    String digits = value.toString();
    return "0".repeat(Math.max(0, 78 - digits.length())) + digits;
  }
}
