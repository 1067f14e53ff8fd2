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
 * changes), and announces each proposal again once half the deployment's expiry window has passed,
 * in blocks or in time, so consumers never drop it. Serials continue from the highest the chain
 * shows for this provider, so an identity moved to a fresh database is not superseded by its past.
 */
public final class ProviderAnnouncer {
  /** Sends a signed proposal to the service registry; returns the block it landed in. */
  @FunctionalInterface
  public interface Registry {
    long announce(long serial, byte[] signedProposal) throws ChainException;
  }

  /** What the announcer reads from the chain. */
  public interface ChainView {
    long head() throws ChainException;

    /**
     * The highest serial this provider announced, as the node's proposal index knows it (0: none).
     */
    long highestSerialAnnounced() throws StoreException;
  }

  private final Database database;
  private final SignedProposals signer;
  private final Registry registry;
  private final ExpiryWindow window;
  private final ChainView chain;

  public ProviderAnnouncer(
      Database database,
      SignedProposals signer,
      Registry registry,
      ExpiryWindow window,
      ChainView chain) {
    this.database = database;
    this.signer = signer;
    this.registry = registry;
    this.window = window;
    this.chain = chain;
  }

  /**
   * Announces through the deployment's service registry, the provider paying its own gas, by the
   * deployment's expiry window; {@code index} is the node's proposal index, synced before a serial
   * is taken.
   */
  public static ProviderAnnouncer onChain(
      Database database,
      EthereumClient client,
      Deployment deployment,
      PrivateKey provider,
      ProposalIndex index) {
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
        ExpiryWindow.of(deployment.proposalExpiry(), BlockTimes.of(client)),
        new ChainView() {
          @Override
          public long head() throws ChainException {
            return client.blockNumber();
          }

          @Override
          public long highestSerialAnnounced() throws StoreException {
            index.sync();
            return index.highestSerialOf(provider.address());
          }
        });
  }

  /**
   * Offers a service: the proposal is given a serial by the rules, stored, and announced if it is
   * new, changed, or half-way to expiry (a restart after a long pause). Returns the proposal as
   * announced (with its serial).
   */
  public ServiceProposal offer(ServiceProposal wanted, PrivateKey provider)
      throws StoreException, ChainException {
    Optional<Stored> current = stored(wanted.serviceType());
    long serial;
    if (current.isPresent()
        && sameOffer(current.get().proposal(), wanted)
        && !supersededOnChain(current.get())) {
      if (current.get().proposal().contacts().equals(wanted.contacts())
          && current.get().isAnnounced()
          && !window.dueAgain(current.get().announcedBlock(), chain.head())) {
        return current.get().proposal(); // nothing changed, and consumers still list it
      }
      serial = current.get().proposal().serial(); // contacts only, not yet announced, or due
    } else {
      serial = nextSerial();
    }
    return announce(withSerial(wanted, serial), provider);
  }

  /**
   * Re-announces the proposals that are half-way to expiry (or never made it); returns how many.
   */
  public int reannounceDue(long headBlock, PrivateKey provider)
      throws StoreException, ChainException {
    int count = 0;
    for (Stored stored : all()) {
      if (!stored.isAnnounced() || window.dueAgain(stored.announcedBlock(), headBlock)) {
        ServiceProposal proposal =
            supersededOnChain(stored)
                ? withSerial(stored.proposal(), nextSerial())
                : stored.proposal();
        announce(proposal, provider);
        count++;
      }
    }
    return count;
  }

  private ServiceProposal announce(ServiceProposal proposal, PrivateKey provider)
      throws StoreException, ChainException {
    // Kept before it is sent: if the announcement fails, the serial stays taken and the proposal
    // is announced by the next offer or re-announcement, never reused for another offer.
    save(proposal, PENDING);
    save(proposal, registry.announce(proposal.serial(), signer.sign(proposal, provider)));
    return proposal;
  }

  /** The chain holds a higher serial from this identity (announced from another database). */
  private boolean supersededOnChain(Stored stored) throws StoreException {
    return chain.highestSerialAnnounced() > stored.proposal().serial();
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

  /** Above every serial this database or the chain has seen from this provider. */
  private long nextSerial() throws StoreException {
    long local =
        database.transaction(
            c -> {
              try (PreparedStatement s =
                      c.prepareStatement("SELECT COALESCE(MAX(serial), 0) FROM own_proposals");
                  ResultSet rows = s.executeQuery()) {
                return rows.getLong(1);
              }
            });
    return Math.addExact(Math.max(local, chain.highestSerialAnnounced()), 1);
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
