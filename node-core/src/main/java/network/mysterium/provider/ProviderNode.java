package network.mysterium.provider;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.RegistryDirectory;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.ServiceTable;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.IndexService;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ProviderAnnouncer;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.Clearing;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.payments.ConsumerAccounts;
import network.mysterium.payments.ExposureService;
import network.mysterium.payments.PromiseClearer;
import network.mysterium.payments.Promises;
import network.mysterium.payments.ReceivedPromises;
import network.mysterium.payments.SharedExposure;
import network.mysterium.payments.proto.PaymentAdvice;
import network.mysterium.provider.ProviderServices.Starter;
import network.mysterium.relay.TcpSplices;
import network.mysterium.service.tunnel.WireGuardBackend;
import network.mysterium.session.ProviderSessions;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider of one service type (SOCKS5 or the WireGuard IP tunnel), assembled: follows the chain
 * (registrations, balances, proposals), listens for dialogues, announces its proposal with its
 * contact, takes promises, runs sessions through its service, serves its proposal index, and clears
 * each consumer's promises when a session ends (retrying later when the consumer is short).
 */
public final class ProviderNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderNode.class);

  /**
   * How the provider runs its service: {@code serviceType} is {@code socks5} (through the exit at
   * {@code exitListen}) or {@code wireguard} (with {@code wireGuard}'s settings); {@code place} is
   * where it is provided from, {@code pricePerUnit} per megabyte or per second as {@code offering}
   * meters it.
   */
  public record Config(
      String serviceType,
      WireGuardBackend.Settings wireGuard,
      Contact listen,
      InetSocketAddress exitListen,
      String advertisedHost,
      ServiceProposal.Place place,
      Myst pricePerUnit,
      Myst minimumPromise,
      Myst exposureCap,
      Myst trial,
      Duration meteringInterval,
      Duration exhaustedGrace,
      boolean allowPrivateTargets,
      ClearingPolicy clearing,
      Offering offering) {

    /** A provider metered per megabyte, its origin where it is provided from. */
    public Config(
        String serviceType,
        WireGuardBackend.Settings wireGuard,
        Contact listen,
        InetSocketAddress exitListen,
        String advertisedHost,
        ServiceProposal.Place place,
        Myst pricePerMegabyte,
        Myst minimumPromise,
        Myst exposureCap,
        Myst trial,
        Duration meteringInterval,
        Duration exhaustedGrace,
        boolean allowPrivateTargets,
        ClearingPolicy clearing) {
      this(
          serviceType,
          wireGuard,
          listen,
          exitListen,
          advertisedHost,
          place,
          pricePerMegabyte,
          minimumPromise,
          exposureCap,
          trial,
          meteringInterval,
          exhaustedGrace,
          allowPrivateTargets,
          clearing,
          Offering.defaults());
    }

    /** The origin the proposal announces: the offering's, else where it is provided from. */
    public ServiceProposal.Place origin() {
      return offering.origin().orElse(place);
    }
  }

  /**
   * What the proposal announces beyond place and price, and the session limits that protect it: the
   * origin (where the traffic appears to come from, if not where it is provided from), the metering
   * unit, the per-session bandwidth each way (enforced by the service), how many sessions one
   * consumer may hold open, and how long an accepted session waits for its confirmation.
   */
  public record Offering(
      java.util.Optional<ServiceProposal.Place> origin,
      ServiceProposal.Metering metering,
      long bandwidthKbps,
      int sessionsPerConsumer,
      Duration confirmationDeadline,
      IssuerTrust history) {
    public static final long DEFAULT_BANDWIDTH_KBPS = 100_000;

    /** Any consumer that is not defaulted. */
    public Offering(
        java.util.Optional<ServiceProposal.Place> origin,
        ServiceProposal.Metering metering,
        long bandwidthKbps,
        int sessionsPerConsumer,
        Duration confirmationDeadline) {
      this(
          origin,
          metering,
          bandwidthKbps,
          sessionsPerConsumer,
          confirmationDeadline,
          IssuerTrust.NONE);
    }

    /** This offer for consumers with at least that history only. */
    public Offering requiring(IssuerTrust required) {
      return new Offering(
          origin, metering, bandwidthKbps, sessionsPerConsumer, confirmationDeadline, required);
    }

    public static Offering defaults() {
      return new Offering(
          java.util.Optional.empty(),
          ServiceProposal.Metering.PER_MEGABYTE,
          DEFAULT_BANDWIDTH_KBPS,
          ProviderSessions.Terms.DEFAULT_SESSIONS_PER_CONSUMER,
          ProviderSessions.Terms.DEFAULT_CONFIRMATION_DEADLINE);
    }
  }

  /** How long a stop waits for clearings under way (under systemd's and the CLI's stop bound). */
  private static final Duration CLOSING_CLEARINGS = Duration.ofSeconds(5);

  /** How long a clearing waits for the consumer to acknowledge its notice. */
  static final Duration NOTICE_ACKNOWLEDGED_WITHIN = Duration.ofSeconds(5);

  private final ChainFollower follower;
  private final IssuerAccounts issuers;
  private final ExposureSharing sharing;
  private final boolean ownsFollower;
  private final Shared shared; // null: the dialogues are this provider's own
  private final Dialogues dialogues;
  private final AutoCloseable service;
  private final ProviderSessions sessions;
  private final ReceivedPromises promises;
  private final ConsumerAccounts accounts;
  private final Clearing clearing;
  private final ServiceProposal announced;
  // its own thread: an announcement is a chain transaction, which must not hold up clearing
  private final java.util.concurrent.ScheduledExecutorService announcing =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("reannounce").daemon().factory());
  private final SessionEvents events;
  private volatile boolean announceFailing;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** The provider's money: what it holds, its consumers' accounts, clearing, shared exposure. */
  private record Books(
      ReceivedPromises promises,
      ConsumerAccounts accounts,
      Clearing clearing,
      IssuerAccounts issuers,
      ExposureSharing sharing) {}

  private ProviderNode(
      ChainFollower follower,
      boolean ownsFollower,
      Shared shared,
      Dialogues dialogues,
      AutoCloseable service,
      ProviderSessions sessions,
      Books books,
      ServiceProposal announced,
      SessionEvents events) {
    ReceivedPromises promises = books.promises();
    ConsumerAccounts accounts = books.accounts();
    Clearing clearing = books.clearing();
    this.issuers = books.issuers();
    this.sharing = books.sharing();
    this.follower = follower;
    this.ownsFollower = ownsFollower;
    this.shared = shared;
    this.dialogues = dialogues;
    this.service = service;
    this.sessions = sessions;
    this.promises = promises;
    this.accounts = accounts;
    this.clearing = clearing;
    this.announced = announced;
    this.events = events;
  }

  /**
   * Starts everything and announces the proposal (a chain transaction) unless the chain already
   * carries it and it is less than half-way to the deployment's expiry; then checks every {@code
   * reannounceCheck} and announces it again when it gets there.
   */
  public static ProviderNode start(
      Config config,
      PrivateKey key,
      Database database,
      EthereumClient client,
      Deployment deployment,
      Duration reannounceCheck,
      SessionEvents events)
      throws IOException, StoreException, ChainException {
    ChainFollower follower = ChainFollower.forDeployment(client, database, deployment);
    follower.pollOnce();
    follower.start();
    try {
      return start(
          config, key, database, follower, true, null, client, deployment, reannounceCheck, events);
    } catch (IOException | StoreException | ChainException | RuntimeException e) {
      follower.close();
      throw e;
    }
  }

  /**
   * The provider on a node's own follower and its one {@link Dialogues}, which its caller runs and
   * closes: the provider plugs its sessions and index into the node's {@link ServiceTable} and
   * announces the node's contact ({@code config.listen()} is not used); stopping unplugs them.
   */
  public static ProviderNode startOn(
      Config config,
      PrivateKey key,
      Database database,
      ChainFollower follower,
      Shared dialogues,
      EthereumClient client,
      Deployment deployment,
      Duration reannounceCheck,
      SessionEvents events)
      throws IOException, StoreException, ChainException {
    return start(
        config,
        key,
        database,
        follower,
        false,
        dialogues,
        client,
        deployment,
        reannounceCheck,
        events);
  }

  /** The node's dialogues, services, relays' contacts and relays' TCP splices (6.6). */
  public record Shared(
      Dialogues dialogues,
      ServiceTable table,
      java.util.function.Supplier<network.mysterium.relay.Reachability> relayed,
      TcpSplices splices) {}

  private static ProviderNode start(
      Config config,
      PrivateKey key,
      Database database,
      ChainFollower follower,
      boolean ownsFollower,
      Shared shared,
      EthereumClient client,
      Deployment deployment,
      Duration reannounceCheck,
      SessionEvents events)
      throws IOException, StoreException, ChainException {
    Starter starter = ProviderServices.standard().starter(config.serviceType());
    ChainIndex chain = new ChainIndex(database);
    Promises promiseSigner = Promises.of(deployment);
    ReceivedPromises promises =
        new ReceivedPromises(database, promiseSigner, key.address(), Clock.systemUTC());
    ConsumerAccounts accounts = new ConsumerAccounts(database, key.address(), config.trial());
    Clearing clearing =
        new Clearing(
            promises,
            new PromiseClearer(promises, client, deployment, key),
            config.clearing(),
            NOTICE_ACKNOWLEDGED_WITHIN,
            events::cleared,
            () ->
                chain.pendingWithdrawals().stream()
                    .map(ChainIndex.PendingWithdrawal::identity)
                    .collect(java.util.stream.Collectors.toSet()),
            () -> feeIncreaseScheduled(client, deployment));
    PaymentsContract payments = new PaymentsContract(client, deployment.payments());
    Channel channel = null;
    ProviderSessions sessions = null;
    AutoCloseable service = null;
    Dialogues dialogues = null;
    try {
      Messenger messenger =
          shared == null ? RegistryDirectory.messenger(key, chain, database.file()) : null;
      ProposalIndex index =
          ProposalIndex.of(
              database, chain, deployment, network.mysterium.discovery.BlockTimes.of(client));
      Contact bound;
      if (shared == null) {
        channel = Channels.listen(config.listen());
        bound = channel.localContact();
      } else {
        bound = shared.dialogues().contact();
      }
      ServiceProposal wanted =
          new ServiceProposal(
              ServiceProposal.FORMAT_VERSION,
              key.address(),
              1,
              config.serviceType(),
              config.place(),
              config.origin(),
              config.offering().bandwidthKbps(),
              config.offering().metering(),
              config.pricePerUnit(),
              ProviderContacts.of(
                  bound,
                  config.advertisedHost(),
                  shared == null ? ProviderContacts.DIRECT : shared.relayed().get()));
      SharedExposure exposure = new SharedExposure(database, Clock.systemUTC());
      ExposureSharing sharing =
          new ExposureSharing(key.address(), promises, index, () -> blockNumber(client));
      IssuerAccounts issuers =
          new IssuerAccounts(key.address(), payments, chain, exposure, sharing, promises, config);
      sessions =
          new ProviderSessions(
              new ProviderSessions.Terms(
                  wanted,
                  config.minimumPromise(),
                  config.exposureCap(),
                  config.meteringInterval(),
                  config.exhaustedGrace(),
                  config.offering().sessionsPerConsumer(),
                  config.offering().confirmationDeadline()),
              promiseSigner,
              promises,
              accounts,
              issuers,
              clearing::clearLater,
              events);
      // the service's data channel admits what these sessions opened
      TcpSplices splices = shared == null ? TcpSplices.NONE : shared.splices();
      ProviderServices.Started started = starter.start(config, sessions::meter, splices);
      service = started.service();
      sessions.serve(started.backend());
      ProviderSessions serving = sessions;
      Conversation.Services answered =
          new ExposureService(exposure, promiseSigner)
              .addTo(
                  new IndexService(index, follower)
                      .addTo(serving.addTo(Conversation.Services.none())));
      if (shared == null) {
        dialogues =
            new Dialogues(
                    messenger,
                    channel,
                    DialogueConfig.DEFAULT,
                    peer -> new Conversation(answered, serving::dialogueClosed))
                .start();
      } else {
        dialogues = shared.dialogues();
        shared.table().serve(answered, serving::dialogueClosed);
      }
      sharing.start(dialogues);
      ProviderAnnouncer announcer =
          ProviderAnnouncer.onChain(database, client, deployment, key, index);
      ServiceProposal announced = announcer.offer(wanted, key);
      sessions.announced(announced); // requests must name the serial consumers find on chain
      ProviderNode node =
          new ProviderNode(
              follower,
              ownsFollower,
              shared,
              dialogues,
              service,
              sessions,
              new Books(promises, accounts, clearing, issuers, sharing),
              announced,
              events);
      clearing.start(node::tellBeforeClearing);
      long check = reannounceCheck.toMillis();
      node.announcing.scheduleWithFixedDelay(
          () -> node.reannounceDue(announcer, client, key), check, check, TimeUnit.MILLISECONDS);
      return node;
    } catch (IOException | StoreException | ChainException | RuntimeException e) {
      // nothing of a provider that did not start stays behind
      clearing.close();
      if (shared != null) {
        shared.table().clear();
      } else if (dialogues != null) {
        dialogues.close(); // and its channel
      } else if (channel != null) {
        channel.close();
      }
      if (sessions != null) {
        sessions.close();
      }
      if (service != null) {
        try {
          service.close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      throw e; // the follower is its owner's to close
    }
  }

  private static long blockNumber(EthereumClient client) {
    try {
      return client.blockNumber();
    } catch (ChainException e) {
      throw new IllegalStateException("the chain is unreachable: " + e.getMessage(), e);
    }
  }

  /** The proposal as announced on chain. */
  public ServiceProposal proposal() {
    return announced;
  }

  /** What other providers reported holding uncleared from an issuer (whitepaper 6.5.6). */
  public Myst heldByOthers(Address issuer) throws StoreException {
    return issuers.heldByOthers(issuer);
  }

  /** Each consumer with a session open or promises held: its promises here and elsewhere. */
  public List<IssuerExposure> exposures() throws ChainException, StoreException {
    return issuers.exposures(sessions.active().stream().map(s -> s.consumer()).toList());
  }

  /** One consumer's promises here and elsewhere, and what this provider still accepts from it. */
  public IssuerExposure exposureOf(Address consumer) throws ChainException, StoreException {
    return issuers.exposureOf(
        consumer, sessions.active().stream().anyMatch(s -> s.consumer().equals(consumer)));
  }

  public Address address() {
    return dialogues.address();
  }

  public Contact contact() {
    return dialogues.contact();
  }

  /** Datagrams refused on the messaging port, by reason. */
  public network.mysterium.messaging.RejectionCounters datagramRejections() {
    return dialogues.rejections();
  }

  /** How many sessions are open now. */
  public int activeSessions() {
    return sessions.openSessions().size();
  }

  /** The sessions open now, with their metering. */
  public List<ProviderSessions.ActiveSession> sessions() {
    return sessions.active();
  }

  public ConsumerAccounts accounts() {
    return accounts;
  }

  public ReceivedPromises promises() {
    return promises;
  }

  /** Clears a consumer's promises now, telling it first (see {@link Clearing#clearNow}). */
  public PromiseClearer.Result clearNow(Address consumer) throws Exception {
    return clearing.clearNow(consumer);
  }

  /** The consumer's dialogue, told that its promises are about to be cleared, if it has one. */
  private Optional<CompletableFuture<?>> tellBeforeClearing(Address consumer) throws Exception {
    Optional<Dialogue> dialogue = dialogues.dialogueWith(consumer);
    if (dialogue.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        sessions.advise(
            dialogue.get(),
            PaymentAdvice.Trigger.ABOUT_TO_CLEAR,
            accounts.leftover(consumer),
            true));
  }

  /** Announces the proposal again if it is half-way to expiry; a failure is retried next time. */
  private void reannounceDue(ProviderAnnouncer announcer, EthereumClient client, PrivateKey key) {
    try {
      if (announcer.reannounceDue(client.blockNumber(), key) > 0) {
        LOG.info("announced the proposal again before it expires");
      }
      if (announceFailing) {
        LOG.info("announcing works again");
        announceFailing = false;
      }
    } catch (ChainException | StoreException | RuntimeException e) {
      if (!announceFailing) { // once per outage, not once a minute
        LOG.warn("cannot announce the proposal again (will retry): {}", e.getMessage());
        announceFailing = true;
      }
    }
  }

  /** Waits for clearings that are under way. */
  public void awaitClearings(Duration timeout) throws InterruptedException {
    clearing.awaitClearings(timeout);
  }

  public BigInteger leftover(Address consumer) throws StoreException {
    return accounts.leftover(consumer);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // a shutdown hook and a finally block may both get here
    }
    announcing.shutdownNow();
    sharing.close(); // no reports over dialogues about to close
    try {
      // an announcement under way signs with the key its owner wipes after this (bounded: the
      // RPC has its own timeout, and the thread is a daemon)
      announcing.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sessions.close();
    try {
      // bounded, so a stop is quick also when the chain is unreachable: what is not cleared now
      // is cleared at the next start (promises held from before it)
      awaitClearings(CLOSING_CLEARINGS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    clearing.close();
    if (shared != null) {
      shared.table().clear(); // the node's dialogues stay: its consumer side uses them
    } else {
      dialogues.close();
    }
    try {
      service.close();
    } catch (Exception e) {
      LOG.warn("closing the service failed: {}", e.getMessage());
    }
    if (ownsFollower) {
      follower.close();
    }
  }

  /** Whether the contract's fee is about to rise (a scheduled increase not yet applied). */
  private static boolean feeIncreaseScheduled(EthereumClient client, Deployment deployment)
      throws ChainException {
    return new PaymentsContract(client, deployment.payments()).scheduledFee().exists();
  }
}
