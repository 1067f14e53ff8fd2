package network.mysterium.node;

import java.math.BigInteger;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;
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
  private final ProviderNode.Shared dialogues;
  private final ServiceTypes services;
  private final SessionEvents events;
  private final Listeners<java.util.function.Consumer<SharingStatus>> listeners = new Listeners<>();
  private volatile Runnable moved = () -> {};
  // written under this object's lock (start, stop); read without it, so that a read (a UI, the
  // API, a session's thread telling its status) never waits behind a start, a stop or the chain
  private volatile ProviderNode provider;

  NodeSharing(
      PrivateKey key,
      NodeConfig config,
      NodeChain chain,
      Database database,
      ChainFollower follower,
      ProviderNode.Shared dialogues,
      ServiceTypes services,
      SessionEvents events) {
    this.key = key;
    this.config = config;
    this.chain = chain;
    this.database = database;
    this.follower = follower;
    this.dialogues = dialogues;
    this.services = services;
    this.events = told(events);
  }

  /**
   * What sharing earned: promises held but not yet cleared, the payments account (where cleared
   * promises arrive, less the fee), and the sessions open now.
   */
  public record Earnings(Myst uncleared, Myst paymentsAccount, int activeSessions) {}

  /**
   * An offer as a person or program states it: what, from where, at what price; the rest (ports,
   * promise minimum, exposure cap, clearing) as the app's "Share my bandwidth" sets it. Without an
   * {@code advertisedHost} it listens on loopback only (this machine's own consumers, and it may
   * carry them to loopback pages); with one, on every interface, announced there, refusing to carry
   * consumers into private networks.
   */
  public record Offer(
      String serviceType,
      ServiceProposal.Place place,
      java.util.Optional<ServiceProposal.Place> origin,
      ServiceProposal.Metering metering,
      Myst pricePerUnit,
      long bandwidthKbps,
      java.util.Optional<String> advertisedHost) {
    public static final long DEFAULT_BANDWIDTH_KBPS = ProviderNode.Offering.DEFAULT_BANDWIDTH_KBPS;
  }

  /**
   * Starts sharing {@code offer} with the app's defaults for the rest; see {@link
   * #start(ProviderNode.Config)}.
   */
  public ServiceProposal start(Offer offer) throws NodeException {
    boolean loopback = offer.advertisedHost().isEmpty();
    String bind = loopback ? "127.0.0.1" : "0.0.0.0";
    ProviderNode.Offering defaults = ProviderNode.Offering.defaults();
    ProviderNode.Config config;
    try {
      config =
          new ProviderNode.Config(
              offer.serviceType(),
              network.mysterium.service.tunnel.WireGuardBackend.Settings.defaults(0, loopback),
              network.mysterium.messaging.channel.Contact.parse("udp://" + bind + ":0"),
              new java.net.InetSocketAddress(bind, 0),
              offer.advertisedHost().orElse("127.0.0.1"),
              offer.place(),
              offer.pricePerUnit(),
              Myst.parse("0.01"),
              exposureCap(),
              Myst.ZERO,
              java.time.Duration.ofSeconds(1),
              java.time.Duration.ofSeconds(10),
              loopback,
              network.mysterium.payments.ClearingPolicy.defaults(),
              new ProviderNode.Offering(
                  offer.origin(),
                  offer.metering(),
                  offer.bandwidthKbps(),
                  defaults.sessionsPerConsumer(),
                  defaults.confirmationDeadline()));
    } catch (IllegalArgumentException e) {
      throw NodeException.of(e);
    }
    return start(config);
  }

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
                dialogues,
                chain.client(),
                chain.deployment(),
                config.reannounceCheck(),
                events);
      } catch (Exception e) {
        throw NodeException.of(e);
      }
      publish();
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

  /**
   * Announces an offer of a service this process runs outside sharing (a relay, whose {@code
   * contacts} are where it serves) and keeps it announced until the returned handle is closed,
   * which its caller does before the node closes. The identity must be registered: the index of
   * every node ignores proposals of others.
   *
   * @throws NodeException {@code NOT_REGISTERED} when this identity is not registered on the chain
   */
  public KeptAnnouncement keepAnnounced(ServiceProposal wanted) throws NodeException {
    try {
      follower.pollOnce(); // the chain's view of this identity's registration and serials (D8)
      ChainIndex registrations = new ChainIndex(database);
      if (registrations.registration(key.address()).isEmpty()) {
        throw new NodeException(
            NodeException.Code.NOT_REGISTERED,
            "identity " + key.address() + " is not registered on this chain",
            key.address().toString());
      }
      ProposalIndex index =
          ProposalIndex.of(
              database, registrations, chain.deployment(), BlockTimes.of(chain.client()));
      return KeptAnnouncement.start(
          ProviderAnnouncer.onChain(database, chain.client(), chain.deployment(), key, index),
          wanted,
          key,
          config.reannounceCheck());
    } catch (NodeException e) {
      throw e;
    } catch (Exception e) {
      throw NodeException.of(e);
    }
  }

  /** The most a consumer may owe this provider uncleared: half the current stake (6.5.6). */
  public Myst exposureCap() throws NodeException {
    return chain.exposureCap();
  }

  /** Datagrams this provider's messaging port refused, by reason (none while not sharing). */
  public Map<Rejection, Long> refused() {
    Map<Rejection, Long> counts = new EnumMap<>(Rejection.class);
    ProviderNode running = provider;
    if (running != null) {
      var counters = running.datagramRejections();
      for (Rejection reason : Rejection.values()) {
        if (counters.get(reason) > 0) {
          counts.put(reason, counters.get(reason));
        }
      }
    }
    return counts;
  }

  /** What sharing has earned so far (the account also while not sharing). */
  public Earnings earnings() throws NodeException {
    BigInteger uncleared = BigInteger.ZERO;
    int active = 0;
    ProviderNode running = provider;
    try {
      if (running != null) {
        for (var exposure : running.promises().exposures()) {
          uncleared = uncleared.add(exposure.uncleared().baseUnits());
        }
        active = running.activeSessions();
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
  public List<ProviderSessions.ActiveSession> sessions() {
    ProviderNode running = provider;
    return running == null ? List.of() : running.sessions();
  }

  /**
   * Each consumer with a session open or promises held here (at most 64): what it owes this
   * provider uncleared, what other providers reported holding (whitepaper 6.5.6), what this
   * provider's check counts it able to spend, and what it still accepts from it; none while not
   * sharing. A chain call per consumer.
   */
  public List<network.mysterium.provider.IssuerExposure> exposures() throws NodeException {
    ProviderNode running = provider;
    if (running == null) {
      return List.of();
    }
    try {
      return running.exposures();
    } catch (ChainException | network.mysterium.store.StoreException e) {
      throw NodeException.of(e);
    }
  }

  /** One consumer's {@link #exposures} entry (a chain call); empty while not sharing. */
  public java.util.Optional<network.mysterium.provider.IssuerExposure> exposureOf(Address consumer)
      throws NodeException {
    ProviderNode running = provider;
    if (running == null) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(running.exposureOf(consumer));
    } catch (ChainException | network.mysterium.store.StoreException e) {
      throw NodeException.of(e);
    }
  }

  /** The proposal as announced, while sharing. */
  public java.util.Optional<ServiceProposal> proposal() {
    ProviderNode running = provider;
    return running == null ? java.util.Optional.empty() : java.util.Optional.of(running.proposal());
  }

  /**
   * Stops sharing: sessions end, what they hold is cleared within a bound (the rest at the next
   * start), the host is restored.
   */
  public synchronized void stop() {
    if (provider != null) {
      provider.close();
      provider = null;
      publish();
      moved.run();
    }
  }

  /** Whether it shares, what, and its sessions now; then at every change, until closed. */
  public Subscription subscribe(java.util.function.Consumer<SharingStatus> listener) {
    Subscription handle = listeners.add(listener);
    listener.accept(status());
    return handle;
  }

  /** Whether it shares, what, and how many sessions it provides now. */
  public SharingStatus status() {
    ProviderNode running = provider;
    return running == null
        ? SharingStatus.off()
        : new SharingStatus(
            true, java.util.Optional.of(running.proposal()), running.activeSessions());
  }

  private void publish() {
    SharingStatus now = status();
    listeners.each(l -> l.accept(now));
  }

  /** Called when sharing moved money (a session ended, a clearing): the node reads it again. */
  void whenMoved(Runnable hook) {
    this.moved = hook;
  }

  /** The node's events, and this status told at each session's start and end. */
  private SessionEvents told(SessionEvents node) {
    return new SessionEvents() {
      @Override
      public void sessionOpened(Address peer, String sessionId, String serviceType) {
        node.sessionOpened(peer, sessionId, serviceType);
        publish();
      }

      @Override
      public void metering(Address peer, Metering metering) {
        node.metering(peer, metering);
      }

      @Override
      public void promiseAccepted(
          Address peer, network.mysterium.payments.Promise promise, java.math.BigInteger left) {
        node.promiseAccepted(peer, promise, left);
      }

      @Override
      public void sessionClosed(Address peer, String sessionId, String reason, Metering last) {
        node.sessionClosed(peer, sessionId, reason, last);
        publish();
        moved.run();
      }

      @Override
      public void cleared(
          Address peer, List<network.mysterium.payments.Promise> cleared, String deferred) {
        node.cleared(peer, cleared, deferred);
        moved.run();
      }
    };
  }

  public boolean sharing() {
    return provider != null;
  }

  /** The running provider, for callers inside node-core's tests and tools. */
  ProviderNode provider() {
    return provider;
  }
}
