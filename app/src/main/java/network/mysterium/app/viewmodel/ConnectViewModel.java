package network.mysterium.app.viewmodel;

import java.time.Duration;
import java.time.Instant;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.scene.chart.XYChart;
import network.mysterium.consumer.Connector;
import network.mysterium.crypto.Address;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.i18n.Messages;
import network.mysterium.money.Myst;
import network.mysterium.node.ConnectionOptions;
import network.mysterium.node.ConnectionStatus;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SessionHistory;

/**
 * The home view's state: countries to pick from (filtered by the search box), one connect /
 * disconnect action, the status in words, and the live session (bytes, cost, throughput).
 */
public final class ConnectViewModel {
  /** A past session of this run of the app. */
  public record HistoryRow(String provider, String country, long seconds, long bytes, Myst cost) {}

  /** Where the connection is. */
  public enum Status {
    DISCONNECTED,
    CONNECTING,
    CONNECTED,
    /** The node left the provider (or lost it) and is connecting to the next one by itself. */
    FAILING_OVER,
    DISCONNECTING
  }

  /** What is promised in advance, each step (the provider advises when to pay again). */
  private static final Myst PAYMENT_STEP = Myst.parse("0.05");

  private final Node node;
  private final Background background;
  private final Messages messages;
  private final ObservableList<Node.CountryRow> allCountries = FXCollections.observableArrayList();
  private final FilteredList<Node.CountryRow> countries = new FilteredList<>(allCountries);
  private final StringProperty search = new SimpleStringProperty("");
  private final ObjectProperty<Node.CountryRow> selected = new SimpleObjectProperty<>();
  private final ReadOnlyObjectWrapper<Status> status =
      new ReadOnlyObjectWrapper<>(Status.DISCONNECTED);
  private final StringProperty statusText = new SimpleStringProperty();
  private final StringProperty error = new SimpleStringProperty("");
  private final StringProperty proxyAddress = new SimpleStringProperty("");
  private final LongProperty bytesDown = new SimpleLongProperty();
  private final LongProperty bytesUp = new SimpleLongProperty();
  private final ObjectProperty<Myst> cost =
      new SimpleObjectProperty<>(Myst.ofBaseUnits(java.math.BigInteger.ZERO));
  private final LongProperty durationSeconds = new SimpleLongProperty();
  private final BooleanProperty busy = new SimpleBooleanProperty();
  private final StringProperty promised = new SimpleStringProperty("");
  private final StringProperty leftover = new SimpleStringProperty("");
  private final ObservableList<HistoryRow> history = FXCollections.observableArrayList();
  private String currentCountry = "";
  private String currentCountryCode = "";
  private final XYChart.Series<Number, Number> throughput = new XYChart.Series<>();
  private volatile ConsumerSession session;
  private ConnectReasons reasons;
  private Instant connectedAt;
  private long lastChartBytes;

  private final java.util.function.Supplier<ConnectionOptions> connection;
  private final network.mysterium.node.Subscription nodeStatus;

  /**
   * @param connection how to connect (SOCKS5 or the IP tunnel), read at each connect
   */
  public ConnectViewModel(
      Node node,
      Background background,
      Messages messages,
      java.util.function.Supplier<ConnectionOptions> connection) {
    this.connection = connection;
    this.node = node;
    this.background = background;
    this.messages = messages;
    statusText.set(messages.get("app.connect.status.disconnected"));
    // the node's own changes of the connection: a fail-over, and a session that ended
    nodeStatus = node.subscribeStatus(s -> background.onFxThread(() -> nodeStatus(s)));
    search.addListener(
        (o, was, text) ->
            countries.setPredicate(
                row -> text == null || text.isBlank() || matches(row, text.strip())));
  }

  /** Reads the sessions of earlier runs from the node's database, newest first. */
  public void loadHistory() {
    background.run(
        () -> node.history(100),
        entries -> history.setAll(entries.stream().map(this::row).toList()),
        e -> error.set(messages.get("app.error.history", e.getMessage())));
  }

  private HistoryRow row(SessionHistory.Entry e) {
    return new HistoryRow(
        e.provider().toString(),
        Countries.name(e.country(), messages),
        e.seconds(),
        e.bytes(),
        e.cost());
  }

  private boolean matches(Node.CountryRow row, String text) {
    String name = Countries.name(row.country(), messages);
    return row.country().equalsIgnoreCase(text)
        || name.toLowerCase(java.util.Locale.ROOT)
            .contains(text.toLowerCase(java.util.Locale.ROOT));
  }

  /** Loads the country list from the node's index. */
  public void refresh() {
    busy.set(true);
    background.run(
        () -> node.countries(connection.get().serviceType()),
        rows -> {
          allCountries.setAll(rows);
          busy.set(false);
        },
        e -> {
          error.set(messages.get("app.error.search", e.getMessage()));
          busy.set(false);
        });
  }

  /** Connects to the cheapest provider in the selected country (the next one if it fails). */
  public void connect() {
    Node.CountryRow country = selected.get();
    if (country == null) {
      error.set(messages.get("app.connect.error.pick-country"));
      return;
    }
    ConnectionOptions how = connection.get();
    open(
        country,
        how,
        () -> node.connect(country.country(), how.withPaymentStep(PAYMENT_STEP), events()));
  }

  /** Connects to one proposal the user chose (in the services table). */
  public void connectTo(ProposalIndex.Listing listing) {
    ConnectionOptions how = connection.get();
    open(
        new Node.CountryRow(
            listing.proposal().providedFrom().country(), 1, listing.proposal().pricePerUnit()),
        how,
        () -> node.connectTo(listing, how.withPaymentStep(PAYMENT_STEP), events()));
  }

  private void open(
      Node.CountryRow country, ConnectionOptions how, Background.Work<ConsumerSession> connecting) {
    if (status.get() != Status.DISCONNECTED) {
      return;
    }
    reasons = new ConnectReasons(messages, how.spendLimit(), PAYMENT_STEP);
    error.set("");
    currentCountry = Countries.name(country.country(), messages);
    currentCountryCode = country.country();
    bytesDown.set(0);
    bytesUp.set(0);
    cost.set(Myst.ofBaseUnits(java.math.BigInteger.ZERO));
    durationSeconds.set(0);
    promised.set("");
    leftover.set("");
    status.set(Status.CONNECTING);
    statusText.set(
        messages.get("app.connect.status.connecting", Countries.name(country.country(), messages)));
    background.run(
        connecting,
        this::connected,
        e -> {
          status.set(Status.DISCONNECTED);
          statusText.set(messages.get("app.connect.status.disconnected"));
          error.set(explain(e, country));
        });
  }

  /** A session open: the one connected to, or the next one a fail-over connected to. */
  private void connected(ConsumerSession opened) {
    if (session != null && session != opened) {
      return; // the first connect's answer after a fail-over already showed the next
    }
    session = opened;
    connectedAt = Instant.now();
    lastChartBytes = 0;
    throughput.getData().clear();
    status.set(Status.CONNECTED);
    boolean tunnel = !(opened.client() instanceof network.mysterium.service.socks.Socks5Client);
    proxyAddress.set(
        tunnel ? opened.client().describe() : "127.0.0.1:" + opened.socksAddress().getPort());
    statusText.set(
        messages.get(
            "app.connect.status.connected",
            opened.provider().toString(),
            currentCountry,
            messages.get(tunnel ? "app.settings.type.wireguard" : "app.settings.type.socks5"),
            proxyAddress.get()));
  }

  private String explain(Exception e, Node.CountryRow country) {
    if (e instanceof NodeException n && n.code() == NodeException.Code.HOST) {
      return messages.get("app.connect.error.admin"); // the tunnel needs CAP_NET_ADMIN
    }
    if (e instanceof NodeException n && n.getCause() instanceof Connector.NoProviderException no) {
      return reasons.notConnected(no, Countries.name(country.country(), messages));
    }
    return messages.get("app.connect.error.failed", e.getMessage());
  }

  /**
   * Disconnects (or stops a fail-over): the session ends, the provider's final metering arrives, it
   * clears.
   */
  public void disconnect() {
    ConsumerSession open = session;
    if (open == null && status.get() != Status.FAILING_OVER) {
      return;
    }
    status.set(Status.DISCONNECTING);
    background.run(
        () -> {
          try {
            node.disconnect();
          } catch (NodeException e) {
            if (e.code() != NodeException.Code.NOT_CONNECTED) {
              throw e;
            }
          }
          return open;
        },
        closed -> ended(messages.get("app.connect.status.disconnected")),
        e -> ended(messages.get("app.connect.status.disconnected")));
  }

  private void ended(String text) {
    record();
    proxyAddress.set("");
    status.set(Status.DISCONNECTED);
    statusText.set(text);
  }

  /** The session that ended, in the history; the counters start again for the next. */
  private void record() {
    ConsumerSession was = session;
    if (was != null) {
      SessionHistory.Entry entry =
          new SessionHistory.Entry(
              Instant.now(),
              was.provider(),
              currentCountryCode,
              was.client().serviceType(),
              durationSeconds.get(),
              bytesDown.get(),
              bytesUp.get(),
              cost.get());
      history.addFirst(row(entry));
      background.run(
          () -> {
            node.record(entry);
            return entry;
          },
          saved -> {},
          e -> error.set(messages.get("app.error.history", e.getMessage())));
    }
    session = null;
    bytesDown.set(0);
    bytesUp.set(0);
    cost.set(Myst.ofBaseUnits(java.math.BigInteger.ZERO));
    durationSeconds.set(0);
  }

  /** What was promised to the provider so far, and what of it the metering has not used. */
  private void showPromised(Address provider) {
    background.run(
        () -> node.totalPromised(provider),
        total -> {
          promised.set(total.toString());
          java.math.BigInteger left = total.baseUnits().subtract(cost.get().baseUnits());
          leftover.set(Myst.ofBaseUnits(left.max(java.math.BigInteger.ZERO)).toString());
        },
        e -> error.set(messages.get("app.error.chain", e.getMessage())));
  }

  private SessionEvents events() {
    return new SessionEvents() {
      @Override
      public void metering(Address peer, Metering m) {
        background.onFxThread(
            () -> {
              bytesDown.set(m.bytesToConsumer());
              bytesUp.set(m.bytesFromConsumer());
              cost.set(
                  m.cost() == null
                      ? Myst.ofBaseUnits(java.math.BigInteger.ZERO)
                      : Myst.ofBaseUnits(m.cost()));
              durationSeconds.set(m.durationMillis() / 1000);
              showPromised(peer);
              long total = m.bytesToConsumer() + m.bytesFromConsumer();
              long seconds =
                  connectedAt == null
                      ? 0
                      : Duration.between(connectedAt, Instant.now()).toSeconds();
              throughput.getData().add(new XYChart.Data<>(seconds, (total - lastChartBytes) / 1e6));
              lastChartBytes = total;
              if (throughput.getData().size() > 300) { // the last five minutes
                throughput.getData().removeFirst();
              }
            });
      }
    };
  }

  /**
   * What the node says of the connection, on the FX thread: a session ended (why, in the user's
   * words), the node failing over (whom it left and why), and connected again to the next.
   */
  private void nodeStatus(ConnectionStatus s) {
    Status now = status.get();
    String reason = s.endedBecause().orElse("");
    switch (s.state()) {
      case FAILING_OVER -> {
        if (now == Status.CONNECTED) {
          record(); // the session left, in the history
          status.set(Status.FAILING_OVER);
          statusText.set(
              messages.get(
                  "app.connect.status.failing-over",
                  currentCountry,
                  s.provider().map(Address::toString).orElse("-"),
                  reasons.failingOver(s.leftFor(), reason)));
        }
      }
      case CONNECTED -> {
        if (now == Status.FAILING_OVER) {
          node.connection().ifPresent(this::connected);
        }
      }
      case DISCONNECTED -> {
        if (now == Status.CONNECTED || now == Status.FAILING_OVER) {
          ConsumerSession open = session;
          ConsumerSession.Failure ours = open == null ? null : open.endedBy();
          // this app stopped paying (overbilled, advice, the limit): said why, typed
          ended(
              ours != null
                  ? reasons.left(ours, reason)
                  : messages.get("app.connect.status.ended", reason));
        }
      }
      default -> {}
    }
  }

  /** Unsubscribes from the node (the window builds a new model when the language changes). */
  public void close() {
    nodeStatus.close();
  }

  public FilteredList<Node.CountryRow> countries() {
    return countries;
  }

  public StringProperty search() {
    return search;
  }

  public ObjectProperty<Node.CountryRow> selected() {
    return selected;
  }

  public ReadOnlyObjectProperty<Status> status() {
    return status.getReadOnlyProperty();
  }

  public StringProperty statusText() {
    return statusText;
  }

  public StringProperty error() {
    return error;
  }

  public StringProperty proxyAddress() {
    return proxyAddress;
  }

  public LongProperty bytesDown() {
    return bytesDown;
  }

  public LongProperty bytesUp() {
    return bytesUp;
  }

  public ObjectProperty<Myst> cost() {
    return cost;
  }

  public LongProperty durationSeconds() {
    return durationSeconds;
  }

  public StringProperty promised() {
    return promised;
  }

  public StringProperty leftover() {
    return leftover;
  }

  public ObservableList<HistoryRow> history() {
    return history;
  }

  public BooleanProperty busy() {
    return busy;
  }

  public XYChart.Series<Number, Number> throughput() {
    return throughput;
  }

  /** The open session, if connected (the proxy's address is in it). */
  public ConsumerSession session() {
    return session;
  }
}
