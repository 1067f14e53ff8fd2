package network.mysterium.discovery;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.ServiceRegistryContract;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * The provider's side of discovery: keeps its own proposals durably, applies the serial rules (the
 * same serial when only contacts change, the next serial when the price or anything qualitative
 * changes), and re-announces each proposal before it expires.
 */
public final class ProviderAnnouncer {
  /** Sends a signed proposal to the service registry; returns the block it landed in. */
  @FunctionalInterface
  public interface Registry {
    long announce(long serial, byte[] signedProposal) throws ChainException;
  }

  private final Database database;
  private final SignedProposals signer;
  private final Registry registry;
  private final long reannounceAfterBlocks;

  /**
   * @param reannounceAfterBlocks re-announce once a proposal is this old, comfortably below the
   *     consumers' expiry window
   */
  public ProviderAnnouncer(
      Database database, SignedProposals signer, Registry registry, long reannounceAfterBlocks) {
    this.database = database;
    this.signer = signer;
    this.registry = registry;
    this.reannounceAfterBlocks = reannounceAfterBlocks;
  }

  /** Announces through the deployment's service registry, the provider paying its own gas. */
  public static ProviderAnnouncer onChain(
      Database database,
      EthereumClient client,
      Deployment deployment,
      PrivateKey provider,
      long reannounceAfterBlocks) {
    ServiceRegistryContract registry =
        new ServiceRegistryContract(client, deployment.serviceRegistry());
    return new ProviderAnnouncer(
        database,
        SignedProposals.of(deployment),
        (serial, signed) ->
            registry
                .announce(ChainAccounts.credentials(provider), serial, signed)
                .getBlockNumber()
                .longValueExact(),
        reannounceAfterBlocks);
  }

  /**
   * Offers a service: the proposal is given a serial by the rules, stored, and announced if it is
   * new or changed. Returns the proposal as announced (with its serial).
   */
  public ServiceProposal offer(ServiceProposal wanted, PrivateKey provider)
      throws StoreException, ChainException {
    Optional<Stored> current = stored(wanted.serviceType());
    long serial;
    if (current.isPresent() && sameOffer(current.get().proposal(), wanted)) {
      if (current.get().proposal().contacts().equals(wanted.contacts())
          && current.get().isAnnounced()) {
        return current.get().proposal(); // nothing changed
      }
      serial = current.get().proposal().serial(); // contacts only (or not yet announced)
    } else {
      serial = nextSerial();
    }
    ServiceProposal proposal = withSerial(wanted, serial);
    // Kept before it is sent: if the announcement fails, the serial stays taken and the proposal
    // is announced by the next offer or re-announcement, never reused for another offer.
    save(proposal, PENDING);
    save(proposal, registry.announce(serial, signer.sign(proposal, provider)));
    return proposal;
  }

  /** Re-announces the proposals that are getting old; returns how many. */
  public int reannounceDue(long headBlock, PrivateKey provider)
      throws StoreException, ChainException {
    int count = 0;
    for (Stored stored : all()) {
      if (!stored.isAnnounced() || headBlock - stored.announcedBlock() >= reannounceAfterBlocks) {
        long block =
            registry.announce(stored.proposal().serial(), signer.sign(stored.proposal(), provider));
        save(stored.proposal(), block);
        count++;
      }
    }
    return count;
  }

  public Optional<ServiceProposal> own(String serviceType) throws StoreException {
    return stored(serviceType).map(Stored::proposal);
  }

  private Optional<Stored> stored(String serviceType) throws StoreException {
    return all().stream().filter(s -> s.proposal().serviceType().equals(serviceType)).findFirst();
  }

  /** A block number that says: stored, not (yet) announced. */
  private static final long PENDING = -1;

  private record Stored(ServiceProposal proposal, long announcedBlock) {
    boolean isAnnounced() {
      return announcedBlock != PENDING;
    }
  }

  /** Everything but the serial and contacts: a change here needs a new serial. */
  private static boolean sameOffer(ServiceProposal a, ServiceProposal b) {
    return a.provider().equals(b.provider())
        && a.providedFrom().equals(b.providedFrom())
        && a.origin().equals(b.origin())
        && a.bandwidthKbps() == b.bandwidthKbps()
        && a.metering() == b.metering()
        && a.pricePerUnit().equals(b.pricePerUnit());
  }

  private static ServiceProposal withSerial(ServiceProposal p, long serial) {
    return new ServiceProposal(
        p.formatVersion(),
        p.provider(),
        serial,
        p.serviceType(),
        p.providedFrom(),
        p.origin(),
        p.bandwidthKbps(),
        p.metering(),
        p.pricePerUnit(),
        p.contacts());
  }

  private long nextSerial() throws StoreException {
    return database.transaction(
        c -> {
          try (PreparedStatement s =
                  c.prepareStatement("SELECT COALESCE(MAX(serial), 0) + 1 FROM own_proposals");
              ResultSet rows = s.executeQuery()) {
            return rows.getLong(1);
          }
        });
  }

  private void save(ServiceProposal proposal, long block) throws StoreException {
    database.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT OR REPLACE INTO own_proposals (service_type, serial, proposal,"
                      + " announced_block) VALUES (?, ?, ?, ?)")) {
            s.setString(1, proposal.serviceType());
            s.setLong(2, proposal.serial());
            s.setBytes(3, proposal.encode());
            if (block == PENDING) {
              s.setNull(4, java.sql.Types.INTEGER);
            } else {
              s.setLong(4, block);
            }
            s.executeUpdate();
          }
          return null;
        });
  }

  private List<Stored> all() throws StoreException {
    return database.transaction(
        c -> {
          List<Stored> stored = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT proposal, announced_block FROM own_proposals ORDER BY service_type");
              ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
              long block = rows.getLong(2);
              boolean pending = rows.wasNull(); // before reading another column
              stored.add(
                  new Stored(ServiceProposal.decode(rows.getBytes(1)), pending ? PENDING : block));
            }
          }
          return stored;
        });
  }
}
