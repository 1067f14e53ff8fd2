package network.mysterium.provider;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.RegistryDirectory;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.conversation.Conversation;
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
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ConsumerAccounts;
import network.mysterium.payments.PromiseClearer;
import network.mysterium.payments.Promises;
import network.mysterium.payments.ReceivedPromises;
import network.mysterium.payments.proto.PaymentAdvice;
import network.mysterium.service.PinnedTls;
import network.mysterium.service.ServiceBackend;
import network.mysterium.service.socks.Socks5Backend;
import network.mysterium.service.socks.Socks5Client;
import network.mysterium.service.socks.Socks5Exit;
import network.mysterium.service.tunnel.HostNetwork;
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
   * {@code exitListen}) or {@code wireguard} (with {@code wireGuard}'s settings).
   */
  public record Config(
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
      ClearingPolicy clearing) {}

  /**
   * When the provider clears (whitepaper 6.5.6 leaves the trade-off to it): at every session end,
   * and also, checked every {@code checkEvery}, as soon as a consumer's uncleared promises reach
   * {@code atValue} or the oldest is older than {@code after}.
   */
  public record ClearingPolicy(Myst atValue, Duration after, Duration checkEvery) {
    public static ClearingPolicy defaults() {
      return new ClearingPolicy(Myst.parse("1"), Duration.ofHours(24), Duration.ofMinutes(1));
    }
  }

  /** How long a clearing waits for the consumer to acknowledge its notice. */
  static final Duration NOTICE_ACKNOWLEDGED_WITHIN = Duration.ofSeconds(5);

  private final ChainFollower follower;
  private final Dialogues dialogues;
  private final AutoCloseable service;
  private final ProviderSessions sessions;
  private final ReceivedPromises promises;
  private final ConsumerAccounts accounts;
  private final PromiseClearer clearer;
  private final ServiceProposal announced;
  private final ExecutorService clearing = Executors.newVirtualThreadPerTaskExecutor();
  private final java.util.concurrent.ScheduledExecutorService policy =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("clearing-policy").daemon().factory());
  private final SessionEvents events;

  private ProviderNode(
      ChainFollower follower,
      Dialogues dialogues,
      AutoCloseable service,
      ProviderSessions sessions,
      ReceivedPromises promises,
      ConsumerAccounts accounts,
      PromiseClearer clearer,
      ServiceProposal announced,
      SessionEvents events) {
    this.follower = follower;
    this.dialogues = dialogues;
    this.service = service;
    this.sessions = sessions;
    this.promises = promises;
    this.accounts = accounts;
    this.clearer = clearer;
    this.announced = announced;
    this.events = events;
  }

  /** Starts everything and announces the proposal (a chain transaction). */
  public static ProviderNode start(
      Config config,
      PrivateKey key,
      Database database,
      EthereumClient client,
      Deployment deployment,
      long reannounceAfterBlocks,
      SessionEvents events)
      throws IOException, StoreException, ChainException {
    ChainFollower follower = ChainFollower.forDeployment(client, database, deployment);
    follower.pollOnce();
    follower.start();
    ChainIndex chain = new ChainIndex(database);
    Promises promiseSigner = Promises.of(deployment);
    ReceivedPromises promises =
        new ReceivedPromises(database, promiseSigner, key.address(), Clock.systemUTC());
    ConsumerAccounts accounts = new ConsumerAccounts(database, key.address(), config.trial());
    PromiseClearer clearer = new PromiseClearer(promises, promiseSigner, client, deployment, key);
    PaymentsContract payments = new PaymentsContract(client, deployment.payments());
    ProviderSessions[] sessionsRef = new ProviderSessions[1];
    ProviderNode[] nodeRef = new ProviderNode[1];
    AutoCloseable service;
    ServiceBackend backend;
    switch (config.serviceType()) {
      case Socks5Client.TYPE -> {
        PinnedTls tls = PinnedTls.generate(new SecureRandom());
        Socks5Exit exit =
            Socks5Exit.start(
                tls,
                config.exitListen(),
                id -> sessionsRef[0].meter(id),
                config.allowPrivateTargets());
        service = exit;
        backend =
            new Socks5Backend(config.advertisedHost(), exit.address(), tls.certificateSha256());
      }
      case WireGuardBackend.TYPE -> {
        WireGuardBackend wireGuard =
            WireGuardBackend.start(config.wireGuard(), config.advertisedHost(), new HostNetwork());
        service = wireGuard;
        backend = wireGuard;
      }
      default ->
          throw new IllegalArgumentException(
              "unknown service type " + config.serviceType() + " (socks5 or wireguard)");
    }
    try {
      Messenger messenger = RegistryDirectory.messenger(key, chain);
      ProposalIndex index = ProposalIndex.of(database, chain, deployment);
      network.mysterium.messaging.channel.Channel channel = Channels.listen(config.listen());
      ServiceProposal wanted =
          new ServiceProposal(
              ServiceProposal.FORMAT_VERSION,
              key.address(),
              1,
              config.serviceType(),
              config.place(),
              config.place(),
              100_000,
              ServiceProposal.Metering.PER_MEGABYTE,
              config.pricePerMegabyte(),
              List.of(advertised(channel.localContact(), config.advertisedHost()).toString()));
      ProviderSessions sessions =
          new ProviderSessions(
              new ProviderSessions.Terms(
                  wanted,
                  config.minimumPromise(),
                  config.exposureCap(),
                  config.meteringInterval(),
                  config.exhaustedGrace()),
              promises,
              accounts,
              backend,
              identity -> payments.balanceOf(identity.toString()),
              consumer -> nodeRef[0].clearLater(consumer),
              events);
      sessionsRef[0] = sessions;
      Dialogues dialogues =
          new Dialogues(
                  messenger,
                  channel,
                  DialogueConfig.DEFAULT,
                  peer ->
                      new Conversation(
                          new IndexService(index, () -> blockNumber(client))
                              .addTo(sessions.addTo(Conversation.Services.none())),
                          (d, reason) -> sessions.dialogueClosed(d.peer(), reason)))
              .start();
      ServiceProposal announced =
          ProviderAnnouncer.onChain(database, client, deployment, key, reannounceAfterBlocks)
              .offer(wanted, key);
      ProviderNode node =
          new ProviderNode(
              follower, dialogues, service, sessions, promises, accounts, clearer, announced,
              events);
      nodeRef[0] = node;
      // Promises held from before a restart (or a crash) have no session left to end: clear them.
      for (Address issuer : promises.issuersWithHeldPromises()) {
        node.clearLater(issuer);
      }
      long every = config.clearing().checkEvery().toMillis();
      node.policy.scheduleWithFixedDelay(
          () -> node.clearDue(config.clearing()), every, every, TimeUnit.MILLISECONDS);
      return node;
    } catch (IOException | StoreException | ChainException | RuntimeException e) {
      // nothing of a provider that did not start stays behind (the tunnel's host changes least)
      try {
        service.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      follower.close();
      throw e;
    }
  }

  /** The contact consumers reach: the bound port at the advertised (public) address. */
  private static Contact advertised(Contact bound, String host) {
    return new Contact(
        bound.type(),
        new InetSocketAddress(java.net.InetAddress.ofLiteral(host), bound.address().getPort()));
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

  public Address address() {
    return dialogues.address();
  }

  public Contact contact() {
    return dialogues.contact();
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

  /**
   * Clears a consumer's promises now (notify-before-clear): the held serial is frozen, and the
   * consumer is told and acknowledges before the clearing is sent, or its dialogue is gone (then it
   * learns the cleared serial from the chain at its next dialogue).
   */
  public PromiseClearer.Result clearNow(Address consumer) throws Exception {
    promises.freezeHeldSerial(consumer);
    Optional<Dialogue> dialogue = dialogues.dialogueWith(consumer);
    if (dialogue.isPresent()) {
      try {
        sessions
            .advise(
                dialogue.get(),
                PaymentAdvice.Trigger.ABOUT_TO_CLEAR,
                accounts.leftover(consumer),
                true)
            .get(NOTICE_ACKNOWLEDGED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // closed or silent: the freeze stands, and the consumer resyncs from the chain
        LOG.debug("{} did not acknowledge the clearing notice: {}", consumer, e.toString());
      }
    }
    PromiseClearer.Result result = clearer.clear(consumer);
    events.cleared(consumer, result.cleared(), result.deferred().orElse(null));
    return result;
  }

  private void clearLater(Address consumer) {
    clearing.submit(
        () -> {
          try {
            clearNow(consumer);
          } catch (Exception e) {
            LOG.warn(
                "clearing {} failed; will try at the next session end: {}",
                consumer,
                e.getMessage());
          }
        });
  }

  /** Clears the consumers whose uncleared promises reached the value or age threshold. */
  private void clearDue(ClearingPolicy rule) {
    try {
      long now = System.currentTimeMillis();
      for (ReceivedPromises.Exposure e : promises.exposures()) {
        if (e.uncleared().compareTo(rule.atValue()) >= 0
            || now - e.oldestUpdateMillis() >= rule.after().toMillis()) {
          clearLater(e.issuer());
        }
      }
    } catch (StoreException | RuntimeException e) {
      LOG.warn("checking what to clear failed: {}", e.getMessage());
    }
  }

  /** Waits for clearings that are under way. */
  public void awaitClearings(Duration timeout) throws InterruptedException {
    clearing.shutdown();
    clearing.awaitTermination(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  public BigInteger leftover(Address consumer) throws StoreException {
    return accounts.leftover(consumer);
  }

  @Override
  public void close() {
    policy.shutdownNow();
    sessions.close();
    try {
      awaitClearings(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dialogues.close();
    try {
      service.close();
    } catch (Exception e) {
      LOG.warn("closing the service failed: {}", e.getMessage());
    }
    follower.close();
  }
}
