package network.mysterium.node;

import java.math.BigInteger;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.BlockTimes;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ProviderAnnouncer;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.Rejection;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ProviderSessions;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;

/**
 * "Share my bandwidth": the node's identity as a provider, on the node's own database and chain
 * follower, and what sharing earned.
 */
public final class NodeSharing {
  private final PrivateKey key;
  private final NodeConfig config;
  private final NodeChain chain;
  private final Database database;
  private final ChainFollower follower;
  private final ServiceTypes services;
  private final SessionEvents events;
  private ProviderNode provider;

  NodeSharing(
      PrivateKey key,
      NodeConfig config,
      NodeChain chain,
      Database database,
      ChainFollower follower,
      ServiceTypes services,
      SessionEvents events) {
    this.key = key;
    this.config = config;
    this.chain = chain;
    this.database = database;
    this.follower = follower;
    this.services = services;
    this.events = events;
  }

  /**
   * What sharing earned: promises held but not yet cleared, the payments account (where cleared
   * promises arrive, less the fee), and the sessions open now.
   */
  public record Earnings(Myst uncleared, Myst paymentsAccount, int activeSessions) {}

  /**
   * Starts sharing (announcing the offer on chain when the chain does not carry it yet); sharing
   * already is not an error: the running offer stays.
   *
   * @return the proposal as announced
   */
  public synchronized ServiceProposal start(ProviderNode.Config offer) throws NodeException {
    services.check(offer.serviceType());
    if (provider == null) {
      try {
        provider =
            ProviderNode.startOn(
                offer,
                key,
                database,
                follower,
                chain.client(),
                chain.deployment(),
                config.reannounceCheck(),
                events);
      } catch (Exception e) {
        throw NodeException.of(e);
      }
    }
    return provider.proposal();
  }

  /**
   * Announces an offer on chain without running its service here (a provider elsewhere serves its
   * contacts); the announcer assigns the serial from what the chain holds for this identity.
   *
   * @return the proposal as announced
   */
  public ServiceProposal announce(ServiceProposal wanted) throws NodeException {
    try {
      follower.pollOnce(); // the chain's view of this identity's serials first (D8)
      ProposalIndex index =
          ProposalIndex.of(
              database,
              new ChainIndex(database),
              chain.deployment(),
              BlockTimes.of(chain.client()));
      return ProviderAnnouncer.onChain(database, chain.client(), chain.deployment(), key, index)
          .offer(wanted, key);
    } catch (Exception e) {
      throw NodeException.of(e);
    }
  }

  /** The most a consumer may owe this provider uncleared: half the current stake (6.5.6). */
  public Myst exposureCap() throws NodeException {
    return chain.exposureCap();
  }

  /** Datagrams this provider's messaging port refused, by reason (none while not sharing). */
  public synchronized Map<Rejection, Long> refused() {
    Map<Rejection, Long> counts = new EnumMap<>(Rejection.class);
    if (provider != null) {
      var counters = provider.datagramRejections();
      for (Rejection reason : Rejection.values()) {
        if (counters.get(reason) > 0) {
          counts.put(reason, counters.get(reason));
        }
      }
    }
    return counts;
  }

  /** What sharing has earned so far (the account also while not sharing). */
  public synchronized Earnings earnings() throws NodeException {
    BigInteger uncleared = BigInteger.ZERO;
    int active = 0;
    try {
      if (provider != null) {
        for (var exposure : provider.promises().exposures()) {
          uncleared = uncleared.add(exposure.uncleared().baseUnits());
        }
        active = provider.activeSessions();
      }
      return new Earnings(
          Myst.ofBaseUnits(uncleared),
          Myst.ofBaseUnits(
              new PaymentsContract(chain.client(), chain.deployment().payments())
                  .balanceOf(key.address().toString())),
          active);
    } catch (ChainException | network.mysterium.store.StoreException e) {
      throw NodeException.of(e);
    }
  }

  /** The sessions this node provides now, with their metering (none while not sharing). */
  public synchronized List<ProviderSessions.ActiveSession> sessions() {
    return provider == null ? List.of() : provider.sessions();
  }

  /** The proposal as announced, while sharing. */
  public synchronized java.util.Optional<ServiceProposal> proposal() {
    return provider == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(provider.proposal());
  }

  /**
   * Stops sharing: sessions end, what they hold is cleared within a bound (the rest at the next
   * start), the host is restored.
   */
  public synchronized void stop() {
    if (provider != null) {
      provider.close();
      provider = null;
    }
  }

  public synchronized boolean sharing() {
    return provider != null;
  }

  /** The running provider, for callers inside node-core's tests and tools. */
  synchronized ProviderNode provider() {
    return provider;
  }
}
