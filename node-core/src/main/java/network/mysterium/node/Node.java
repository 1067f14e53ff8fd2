package network.mysterium.node;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.conversation.ServiceTable;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ComparablePrice;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import network.mysterium.relay.PunchingChannel;
import network.mysterium.relay.Reachability;
import network.mysterium.relay.RelayedChannel;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SessionHistory;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * The composition root: one per identity and data directory. It owns the one database, the one
 * chain follower and the consumer side; sharing ({@link #sharing}) plugs the provider side into the
 * same database and follower. What the app, the CLI, the daemon and third-party programs use, and
 * all they use: commands as methods, state through subscriptions that return a handle.
 *
 * <p>Blocking calls: a UI runs them off its own thread.
 */
public final class Node implements AutoCloseable {
  /**
   * A country in a connect list: how many providers, and the lowest price per MB (a per-second
   * price counted as its per-MB equivalent at {@link ComparablePrice}'s 1 GB an hour).
   */
  public record CountryRow(String country, int providers, Myst lowestPricePerMegabyte) {}

  private final PrivateKey key;
  private final NodeConfig config;
  private final DataDirectoryLock lock;
  private final NodeChain chain;
  private final Database database;
  private final ChainFollower follower;
  private final Dialogues dialogues;
  private final Optional<RelayedChannel> relayed;
  private final PunchingChannel punching;
  private final ConsumerNode consumer;
  private final SessionHistory history;
  private final NodeWallet wallet;
  private final NodeIdentities identities;
  private final NodeSettings settings;
  private final NodeSharing sharing;
  private final MoneyWatch money;
  private final ProposalWatch watched = new ProposalWatch(this::proposals);
  private final ServiceTypes services;
  private final Listeners<SessionEvents> sessionListeners = new Listeners<>();
  private final Listeners<Consumer<ConnectionStatus>> statusListeners = new Listeners<>();
  private final SessionEvents fanOut;
  private final Object connecting = new Object();
  private volatile ConnectionStatus status = ConnectionStatus.disconnected(Optional.empty());
  private volatile Connected current;
  private volatile FailOver failingOver;

  /**
   * {@code ended} completes once the session is in the history and its end (DISCONNECTED or
   * FAILING_OVER) published.
   */
  private record Connected(
      ConsumerSession session,
      String country,
      Instant since,
      java.util.concurrent.CompletableFuture<Void> ended,
      FailOver plan) {}

  Node(
      PrivateKey key,
      NodeConfig config,
      DataDirectoryLock lock,
      NodeChain chain,
      Database database,
      ChainFollower follower,
      Dialogues dialogues,
      ServiceTable table,
      ConsumerNode consumer,
      RelayedChannel relayed,
      PunchingChannel punching) {
    this.key = key;
    this.relayed = Optional.ofNullable(relayed);
    this.punching = punching;
    this.config = config;
    this.lock = lock;
    this.chain = chain;
    this.database = database;
    this.follower = follower;
    this.dialogues = dialogues;
    this.consumer = consumer;
    this.history = new SessionHistory(database);
    this.services = ServiceTypes.standard();
    this.fanOut = new FanOut(sessionListeners);
    this.wallet = new NodeWallet(key, consumer, chain, new ChainIndex(database));
    this.identities = new NodeIdentities(() -> Optional.of(key.address()), config, chain);
    this.settings = new NodeSettings(database);
    this.sharing =
        new NodeSharing(
            key,
            config,
            chain,
            database,
            follower,
            new ProviderNode.Shared(
                dialogues,
                table,
                () -> NodeRelays.reachability(this.relayed),
                NodeRelays.splices(this.relayed)),
            services,
            fanOut);
    this.money = new MoneyWatch(wallet, sharing);
    wallet.whenMoved(money::refreshSoon);
    sharing.whenMoved(money::refreshSoon);
  }

  /**
   * Opens the data directory's database, connects to the chain, catches up with it and starts the
   * consumer side. The node owns the key from now on: closing the node wipes it, and so does a
   * start that fails.
   */
  public static Node start(NodeConfig config, PrivateKey key) throws NodeException {
    DataDirectoryLock lock;
    try {
      DataDirectory.createPrivateDirectories(config.dataDir());
      lock = DataDirectoryLock.take(config.dataDir());
    } catch (NodeException | IOException | RuntimeException e) {
      key.close();
      throw NodeException.of(e);
    }
    try {
      return NodeStart.compose(config, key, lock);
    } catch (NodeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * A node on a data directory whose lock the caller holds and keeps (a {@link NodeHost}, which
   * switches identities without letting another node in between).
   */
  static Node startHeld(NodeConfig config, PrivateKey key) throws NodeException {
    return NodeStart.compose(config, key, null);
  }

  public Address address() {
    return key.address();
  }

  /**
   * Where this node's one port is: its dialogues as a consumer, and as a provider while sharing.
   */
  public network.mysterium.messaging.channel.Contact contact() {
    return dialogues.contact();
  }

  /** Who may hold an allocation on a relay this node serves (see {@link NodeRelays}). */
  public network.mysterium.relay.RelayServer.Admission relayAdmission() {
    return NodeRelays.admission(new ChainIndex(database));
  }

  /** How peers reach this node: directly, or through the relays it registered with, and why. */
  public Reachability reachability() {
    return Reachability.of(relayed, punching.stats());
  }

  public Path dataDir() {
    return config.dataDir();
  }

  /** The chain this node follows, and what it can do there without a wallet. */
  public NodeChain chain() {
    return chain;
  }

  /** The identity's money: balances, deposits, withdrawals, registration, promises. */
  public NodeWallet wallet() {
    return wallet;
  }

  /** The identities in this node's keystore: listed, created, imported. */
  public NodeIdentities identities() {
    return identities;
  }

  /** The consumer's connection defaults, kept in the database. */
  public NodeSettings settings() {
    return settings;
  }

  /** Sharing bandwidth as a provider. */
  public NodeSharing sharing() {
    return sharing;
  }

  /** The service types this node can use and offer. */
  public ServiceTypes services() {
    return services;
  }

  /** Every session event of this node, as a consumer and as a provider, until closed. */
  public Subscription subscribe(SessionEvents listener) {
    return sessionListeners.add(listener);
  }

  /** The connection's status now, then at every change, until closed. */
  public Subscription subscribeStatus(Consumer<ConnectionStatus> listener) {
    Subscription handle = statusListeners.add(listener);
    listener.accept(status);
    return handle;
  }

  /**
   * The node's money (wallet balances, sharing's earnings) soon, then whenever it changes: read
   * after what moves it here and every half minute while anyone listens.
   */
  public Subscription subscribeFunds(Consumer<Funds> listener) {
    return money.subscribe(listener);
  }

  public ConnectionStatus status() {
    return status;
  }

  /** Keeps an ended session in the history. */
  public void record(SessionHistory.Entry entry) throws NodeException {
    try {
      history.add(entry);
    } catch (StoreException e) {
      throw NodeException.of(e);
    }
  }

  /** The latest sessions, from this and earlier runs, newest first. */
  public List<SessionHistory.Entry> history(int limit) throws NodeException {
    try {
      return history.recent(limit);
    } catch (StoreException e) {
      throw NodeException.of(e);
    }
  }

  /** The index's matches for any query, cheapest first, after taking in what the chain has now. */
  public List<ProposalIndex.Listing> search(ProposalIndex.Query query) throws NodeException {
    try {
      return consumer.search(query);
    } catch (Exception e) {
      throw NodeException.of(e);
    }
  }

  /** Matching proposals, cheapest first. */
  public List<ProposalIndex.Listing> proposals(ProposalFilter filter) throws NodeException {
    List<ProposalIndex.Listing> found = search(filter.query());
    return filter.preferredOnly()
        ? found.stream().filter(ProposalIndex.Listing::preferred).toList()
        : found;
  }

  /**
   * Matching proposals now, then whenever the answer changes (announced, re-announced, expired,
   * starred), checked every {@code every} while the subscription is open; cheapest first.
   */
  public Subscription subscribeProposals(
      ProposalFilter filter, Duration every, Consumer<List<ProposalIndex.Listing>> listener) {
    return watched.subscribe(filter, every, listener);
  }

  /** Countries with providers of a service type. */
  public List<CountryRow> countries(String serviceType) throws NodeException {
    return CountryRows.of(proposals(ProposalFilter.of(serviceType, null)));
  }

  /**
   * Connects to the cheapest provider of the connection's type in the country (the next if it
   * fails).
   */
  public ConsumerSession connect(String country, ConnectionOptions how, SessionEvents events)
      throws NodeException, InterruptedException {
    ProposalFilter filter = ProposalFilter.of(how.serviceType(), country);
    return connect(
        proposals(filter),
        new FailOver(how, events, new Connector.Attempts() {}, () -> proposals(filter)));
  }

  /** Connects to one chosen proposal, with a client of its service type. */
  public ConsumerSession connectTo(
      ProposalIndex.Listing listing, ConnectionOptions how, SessionEvents events)
      throws NodeException, InterruptedException {
    ProposalFilter others =
        ProposalFilter.of(
            listing.proposal().serviceType(), listing.proposal().providedFrom().country());
    return connect(
        List.of(listing),
        new FailOver(
            how.withServiceType(listing.proposal().serviceType()),
            events,
            new Connector.Attempts() {},
            () -> proposals(others)));
  }

  /**
   * Connects to the first of {@code candidates} that works, telling {@code attempts} of each try
   * (and of the fail-overs' tries, among the same candidates). One connection at a time: a second
   * is refused while one is open or failing over.
   */
  public ConsumerSession connect(
      List<ProposalIndex.Listing> candidates,
      ConnectionOptions how,
      SessionEvents events,
      Connector.Attempts attempts)
      throws NodeException, InterruptedException {
    List<ProposalIndex.Listing> all = List.copyOf(candidates);
    return connect(all, new FailOver(how, events, attempts, () -> all));
  }

  private ConsumerSession connect(List<ProposalIndex.Listing> candidates, FailOver plan)
      throws NodeException, InterruptedException {
    ConnectionOptions how = plan.how();
    if (candidates.isEmpty()) {
      throw new NodeException(NodeException.Code.NO_PROVIDER, "no provider matches");
    }
    services.check(how.serviceType());
    if (how.isTunnel()) {
      services.checkTunnel(how); // before anything is paid: HOST when this user cannot open it
    }
    synchronized (connecting) {
      if (current != null || failingOver != null) {
        throw new NodeException(
            NodeException.Code.ALREADY_CONNECTED,
            current != null ? "connected to " + current.session().provider() : "failing over");
      }
      String country = candidates.getFirst().proposal().providedFrom().country();
      publish(
          new ConnectionStatus(
              ConnectionStatus.State.CONNECTING,
              Optional.empty(),
              Optional.of(how.serviceType()),
              Optional.of(country),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty()));
      ConsumerSession session;
      try {
        session = open(candidates, how, plan);
      } catch (NodeException | InterruptedException | RuntimeException e) {
        publish(ConnectionStatus.disconnected(Optional.of(String.valueOf(e.getMessage()))));
        throw e;
      }
      return connected(session, candidates, plan, country);
    }
  }

  private ConsumerSession open(
      List<ProposalIndex.Listing> candidates, ConnectionOptions how, FailOver plan)
      throws NodeException, InterruptedException {
    consumer.spendLimit(how.spendLimit());
    try {
      return consumer.connect(
          candidates,
          how.paymentStep(),
          consumerEvents(plan.events()),
          plan.attempts(),
          Duration.ofSeconds(15),
          services.clients(how));
    } catch (Connector.NoProviderException e) {
      throw new NodeException(NodeException.Code.NO_PROVIDER, e.getMessage(), e);
    }
  }

  private ConsumerSession connected(
      ConsumerSession session,
      List<ProposalIndex.Listing> candidates,
      FailOver plan,
      String country) {
    synchronized (connecting) {
      Instant since = Instant.now();
      String providedFrom =
          candidates.stream()
              .map(ProposalIndex.Listing::proposal)
              .filter(p -> p.provider().equals(session.provider()))
              .map(p -> p.providedFrom().country())
              .findFirst()
              .orElse(country);
      current =
          new Connected(
              session, providedFrom, since, new java.util.concurrent.CompletableFuture<>(), plan);
      publish(ConnectionStatus.connected(session, providedFrom, since));
      return session;
    }
  }

  /** The caller's events and every subscriber's; the provider's end of a session ends it here. */
  private SessionEvents consumerEvents(SessionEvents caller) {
    return new ConsumerEvents(
        caller,
        fanOut,
        (sessionId, reason) -> {
          Connected now = current;
          if (now != null && now.session().sessionId().equals(sessionId)) {
            sessionEnded(now, reason);
          }
        });
  }

  /** The open connection, if there is one. */
  public Optional<ConsumerSession> connection() {
    Connected now = current;
    return now == null ? Optional.empty() : Optional.of(now.session());
  }

  /**
   * Ends the open connection: the provider's final metering arrives, it clears, and the session
   * goes into the history.
   *
   * @throws NodeException {@code NOT_CONNECTED} when there is none
   */
  public void disconnect() throws NodeException {
    Connected was = current;
    FailOver trying = failingOver;
    if (was == null && trying != null) {
      trying.cancel(); // publishes DISCONNECTED
      if (current != null) {
        disconnect(); // it had connected the next just before
      }
      return;
    }
    if (was == null) {
      throw new NodeException(NodeException.Code.NOT_CONNECTED, "not connected");
    }
    was.session().close();
    sessionEnded(was, "disconnected");
  }

  /**
   * Ends a session once, by whichever comes first: the user's disconnect or the provider. The other
   * waits (bounded) until the first has published, so a disconnect returns disconnected.
   */
  private void sessionEnded(Connected was, String reason) {
    ConsumerSession session = was.session();
    boolean mine;
    boolean goesOn = false;
    synchronized (connecting) {
      mine = current == was;
      if (mine) {
        current = null;
        goesOn = was.plan().goesOn(session, reason);
        failingOver = goesOn ? was.plan() : null;
      }
    }
    if (!mine) {
      waitEnded(was);
      return;
    }
    SessionEvents.Metering last = session.lastMetering();
    try {
      history.add(
          new SessionHistory.Entry(
              Instant.now(),
              session.provider(),
              was.country(),
              session.client().serviceType(),
              Duration.between(was.since(), Instant.now()).toSeconds(),
              last == null ? 0 : last.bytesToConsumer(),
              last == null ? 0 : last.bytesFromConsumer(),
              Myst.ofBaseUnits(last == null ? BigInteger.ZERO : last.cost())));
    } catch (StoreException e) {
      org.slf4j.LoggerFactory.getLogger(Node.class)
          .warn("the ended session is not in the history: {}", e.getMessage());
    }
    if (goesOn) {
      publish(FailOver.failingOver(session, was.country(), reason));
      was.plan().start(() -> failOver(was.plan(), reason));
    } else {
      publish(ConnectionStatus.disconnected(Optional.of(reason)));
    }
    was.ended().complete(null);
    money.refreshSoon(); // what it paid
  }

  /** The next candidate, on the fail-over's thread; DISCONNECTED when none works or on cancel. */
  private void failOver(FailOver plan, String reason) {
    String why;
    try {
      if (plan.cancelled()) {
        throw new InterruptedException("disconnected before the fail-over began");
      }
      List<ProposalIndex.Listing> next = plan.next();
      if (next.isEmpty()) {
        throw new NodeException(NodeException.Code.NO_PROVIDER, "no other provider matches");
      }
      ConsumerSession session = open(next, plan.nextOptions(), plan);
      synchronized (connecting) {
        if (!plan.cancelled()) {
          failingOver = null;
          connected(session, next, plan, next.getFirst().proposal().providedFrom().country());
          return;
        }
      }
      session.close(); // the user disconnected while it opened
      why = "disconnected";
    } catch (InterruptedException e) {
      why = "disconnected";
    } catch (NodeException | RuntimeException e) {
      why = reason + "; no other provider: " + e.getMessage();
    }
    synchronized (connecting) {
      if (failingOver == plan) {
        failingOver = null;
      }
    }
    publish(ConnectionStatus.disconnected(Optional.of(why)));
  }

  private static void waitEnded(Connected was) {
    try {
      was.ended().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // the other caller is stuck on the history: the caller goes on
    }
  }

  private void publish(ConnectionStatus next) {
    status = next;
    statusListeners.each(l -> l.accept(next));
  }

  /** Marks a provider preferred (the star): searches may put it first. */
  public void prefer(Address provider) throws NodeException {
    try {
      consumer.prefer(provider);
    } catch (StoreException e) {
      throw NodeException.of(e);
    }
  }

  /** Everything promised to a provider so far. */
  public Myst totalPromised(Address provider) throws NodeException {
    try {
      return consumer.totalPromised(provider);
    } catch (StoreException e) {
      throw NodeException.of(e);
    }
  }

  /** A free loopback SOCKS5 address, for connection options that take any port. */
  public static InetSocketAddress anyLoopbackPort() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  @Override
  public void close() {
    FailOver trying = failingOver;
    if (trying != null) {
      trying.cancel();
    }
    Connected open = current;
    if (open != null) {
      open.session().close();
      sessionEnded(open, "node stopped");
    }
    money.close(); // first: what stopping moves is not read from a chain about to close
    watched.close();
    sharing.stop();
    consumer.close();
    dialogues.close();
    follower.close();
    try {
      database.close();
    } catch (Exception e) {
      // closing anyway
    }
    chain.close();
    key.close(); // the node owned the unlocked key: wiped now
    if (lock != null) {
      lock.close(); // last: another node may open the directory now
    }
  }
}
