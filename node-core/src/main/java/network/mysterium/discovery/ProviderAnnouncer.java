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
    Optional<ServiceProposal> current = own(wanted.serviceType());
    long serial;
    if (current.isPresent() && sameOffer(current.get(), wanted)) {
      if (current.get().contacts().equals(wanted.contacts())) {
        return current.get(); // nothing changed
      }
      serial = current.get().serial(); // contacts only: same serial
    } else {
      serial = nextSerial();
    }
    ServiceProposal proposal = withSerial(wanted, serial);
    long block = registry.announce(serial, signer.sign(proposal, provider));
    save(proposal, block);
    return proposal;
  }

  /** Re-announces the proposals that are getting old; returns how many. */
  public int reannounceDue(long headBlock, PrivateKey provider)
      throws StoreException, ChainException {
    int count = 0;
    for (Stored stored : all()) {
      if (headBlock - stored.announcedBlock() >= reannounceAfterBlocks) {
        long block =
            registry.announce(stored.proposal().serial(), signer.sign(stored.proposal(), provider));
        save(stored.proposal(), block);
        count++;
      }
    }
    return count;
  }

  public Optional<ServiceProposal> own(String serviceType) throws StoreException {
    return all().stream()
        .map(Stored::proposal)
        .filter(p -> p.serviceType().equals(serviceType))
        .findFirst();
  }

  private record Stored(ServiceProposal proposal, long announcedBlock) {}

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
            s.setLong(4, block);
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
              stored.add(new Stored(ServiceProposal.decode(rows.getBytes(1)), rows.getLong(2)));
            }
          }
          return stored;
        });
  }
}
