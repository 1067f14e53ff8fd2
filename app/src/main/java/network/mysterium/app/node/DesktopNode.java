package network.mysterium.app.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import network.mysterium.chain.ChainWallet;
import network.mysterium.consumer.Connector;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ComparablePrice;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.service.ServiceClient;
import network.mysterium.service.socks.Socks5Client;
import network.mysterium.service.tunnel.HostNetwork;
import network.mysterium.service.tunnel.WireGuardBackend;
import network.mysterium.service.tunnel.WireGuardClient;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SessionHistory;
import network.mysterium.session.SpendLimit;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * The node as the desktop app sees it, in-process: search (countries and proposals), connect and
 * disconnect, the session history; its wallet ({@link #wallet}) and sharing ({@link #sharing}).
 * Blocking calls: the app runs them off the FX thread.
 */
public final class DesktopNode implements AutoCloseable {
  /**
   * A country in the connect list: how many providers, and the lowest price per MB (a per-second
   * price counted as its per-MB equivalent at {@link ComparablePrice}'s 1 GB an hour).
   */
  public record CountryRow(String country, int providers, Myst lowestPricePerMegabyte) {}

  private final PrivateKey key;
  private final Path dataDir;
  private final Database database;
  private final EthereumClient client;
  private final Deployment deployment;
  private final ConsumerNode consumer;
  private final SessionHistory history;
  private final List<AutoCloseable> alsoClosed = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final DesktopWallet wallet;
  private final DesktopSharing sharing;

  private DesktopNode(
      PrivateKey key,
      Path dataDir,
      Database database,
      EthereumClient client,
      Deployment deployment,
      ConsumerNode consumer) {
    this.key = key;
    this.dataDir = dataDir;
    this.database = database;
    this.client = client;
    this.deployment = deployment;
    this.consumer = consumer;
    PaymentsContract payments = new PaymentsContract(client, deployment.payments());
    this.wallet = new DesktopWallet(key, consumer, new ChainWallet(client, deployment), payments);
    this.sharing = new DesktopSharing(key, dataDir, client, deployment, payments);
    this.history = new SessionHistory(database);
  }

  /** The identity's money: balances, deposits, withdrawals, registration, promises. */
  public DesktopWallet wallet() {
    return wallet;
  }

  /** Sharing bandwidth as a provider. */
  public DesktopSharing sharing() {
    return sharing;
  }

  /** Keeps an ended session in the history. */
  public void record(SessionHistory.Entry entry) throws StoreException {
    history.add(entry);
  }

  /** The latest sessions, from this and earlier runs, newest first. */
  public List<SessionHistory.Entry> history(int limit) throws StoreException {
    return history.recent(limit);
  }

  /**
   * Starts the consumer side (chain follower, index, dialogues) with its own database. The node
   * owns the key from now on: closing the node wipes it.
   */
  public static DesktopNode start(
      PrivateKey key, Path dataDir, EthereumClient client, Deployment deployment)
      throws IOException, StoreException {
    Database database = Database.open(dataDir.resolve("node.db"));
    try {
      ConsumerNode consumer =
          ConsumerNode.start(key, database, client, deployment, Contact.parse("udp://0.0.0.0:0"));
      return new DesktopNode(key, dataDir, database, client, deployment, consumer);
    } catch (IOException | StoreException | RuntimeException e) {
      database.close();
      throw e;
    }
  }

  public Address address() {
    return key.address();
  }

  /**
   * What the services table filters by; empty fields match anything. {@code country} is the
   * proposal's {@code provided_from}: where the provider's service is attached to the Internet;
   * {@code origin} is where tunnelled traffic appears to originate (whitepaper 6.4.2).
   */
  public record Filter(
      Optional<String> type,
      Optional<String> country,
      Optional<String> origin,
      Optional<Myst> maxPrice,
      Optional<Long> minBandwidthKbps,
      boolean preferredOnly) {
    public static Filter any() {
      return new Filter(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false);
    }
  }

  /** Matching proposals, cheapest first. */
  public List<ProposalIndex.Listing> proposals(Filter filter)
      throws IOException, StoreException, ChainException {
    List<ProposalIndex.Listing> found =
        consumer.search(
            new ProposalIndex.Query(
                filter.type(),
                filter.country(),
                filter.origin(),
                Optional.empty(),
                Optional.empty(),
                filter.maxPrice().map(Myst::baseUnits),
                filter.minBandwidthKbps(),
                false,
                500));
    return filter.preferredOnly()
        ? found.stream().filter(ProposalIndex.Listing::preferred).toList()
        : found;
  }

  private List<ProposalIndex.Listing> proposals(Optional<String> type, Optional<String> country)
      throws IOException, StoreException, ChainException {
    Filter any = Filter.any();
    return proposals(
        new Filter(
            type,
            country,
            any.origin(),
            any.maxPrice(),
            any.minBandwidthKbps(),
            any.preferredOnly()));
  }

  /**
   * How the app connects: through a local SOCKS5 proxy, or the IP tunnel (WireGuard, which needs
   * CAP_NET_ADMIN) with or without the kill switch; and the most it pays a session and a provider.
   */
  public record Connection(String serviceType, boolean killSwitch, SpendLimit spendLimit) {
    public static Connection socks5() {
      return new Connection(Socks5Client.TYPE, false, SpendLimit.defaults());
    }

    public boolean tunnel() {
      return serviceType.equals(WireGuardBackend.TYPE);
    }
  }

  /** Countries with providers of the connection's service type. */
  public List<CountryRow> countries(Connection connection)
      throws IOException, StoreException, ChainException {
    Map<String, List<ServiceProposal>> byCountry = new LinkedHashMap<>();
    for (ProposalIndex.Listing listing :
        proposals(Optional.of(connection.serviceType()), Optional.empty())) {
      byCountry
          .computeIfAbsent(listing.proposal().providedFrom().country(), c -> new ArrayList<>())
          .add(listing.proposal());
    }
    List<CountryRow> rows = new ArrayList<>();
    byCountry.forEach(
        (country, list) ->
            rows.add(
                new CountryRow(
                    country,
                    list.size(),
                    Myst.ofBaseUnits(
                        list.stream()
                            .map(ComparablePrice::perHour)
                            .min(Comparator.naturalOrder())
                            .orElseThrow()
                            .divide(
                                java.math.BigInteger.valueOf(
                                    ComparablePrice.REFERENCE_MB_PER_HOUR))))));
    rows.sort(Comparator.comparing(CountryRow::country));
    return rows;
  }

  /**
   * Connects to the cheapest provider of the connection's type in the country (the next if it
   * fails): a SOCKS5 proxy on a free loopback port, or the IP tunnel.
   */
  public ConsumerSession connect(
      String country, Connection connection, Myst paymentStep, SessionEvents events)
      throws IOException,
          StoreException,
          ChainException,
          Connector.NoProviderException,
          InterruptedException {
    List<ProposalIndex.Listing> found =
        proposals(Optional.of(connection.serviceType()), Optional.of(country));
    consumer.spendLimit(connection.spendLimit());
    return consumer.connect(
        found,
        paymentStep,
        events,
        new Connector.Attempts() {},
        Duration.ofSeconds(15),
        clients(connection));
  }

  /** Connects to one chosen proposal, with a client of its service type. */
  public ConsumerSession connectTo(
      ProposalIndex.Listing listing, Connection connection, Myst paymentStep, SessionEvents events)
      throws Connector.NoProviderException, InterruptedException {
    Connection forType =
        new Connection(
            listing.proposal().serviceType(), connection.killSwitch(), connection.spendLimit());
    consumer.spendLimit(connection.spendLimit());
    return consumer.connect(
        List.of(listing),
        paymentStep,
        events,
        new Connector.Attempts() {},
        Duration.ofSeconds(15),
        clients(forType));
  }

  private static ServiceClient.Factory clients(Connection connection) {
    return (type, contact) ->
        connection.tunnel()
            ? new WireGuardClient(
                new WireGuardClient.Settings(
                    WireGuardClient.Settings.defaults().interfaceName(),
                    connection.killSwitch(),
                    Duration.ofSeconds(10)),
                new HostNetwork(),
                contact)
            : new Socks5Client(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /** Marks a provider preferred (the star): searches may put it first. */
  public void prefer(Address provider) throws StoreException {
    consumer.prefer(provider);
  }

  /** Everything promised to a provider so far. */
  public Myst totalPromised(Address provider) throws StoreException {
    return consumer.totalPromised(provider);
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() throws Exception {
    sharing.stopProviding();
    consumer.close();
    database.close();
    key.close(); // the node owned the unlocked key: wiped now
    for (AutoCloseable resource : alsoClosed) {
      resource.close();
    }
  }

  /** Something the node's owner handed over with it (the chain client), closed with the node. */
  public DesktopNode closesAlso(AutoCloseable resource) {
    alsoClosed.add(resource);
    return this;
  }
}
