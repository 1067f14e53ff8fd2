package network.mysterium.cli.session;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Stopping;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.cli.UserError;
import network.mysterium.cli.daemon.DaemonClient;
import network.mysterium.consumer.Connector;
import network.mysterium.crypto.Address;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.ConnectionOptions;
import network.mysterium.node.Node;
import network.mysterium.node.NodeConfig;
import network.mysterium.node.NodeException;
import network.mysterium.node.ServiceTypes;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SpendLimit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mysterium connect}: the cheapest matching provider (the next one if it fails), paid in
 * advance, as a local SOCKS5 proxy or as the IP tunnel (WireGuard, with a kill switch); live
 * metering until Ctrl-C, which disconnects cleanly.
 */
@Command(name = "connect", mixinStandardHelpOptions = true)
public final class ConnectCommand implements Callable<Integer> {
  private static final int DEFAULT_SOCKS_PORT = 1080;
  private static final String DEFAULT_LISTEN = "udp://0.0.0.0:0";
  private static final String DEFAULT_INTERFACE = "myst0";

  @ParentCommand private MysteriumCommand root;
  @Mixin private ChainOptions chainOptions;
  @Mixin private UnlockOptions unlocking;

  @Option(names = "--country", paramLabel = "CC", descriptionKey = "country")
  private String country;

  @Option(
      names = "--type",
      defaultValue = "socks5",
      paramLabel = "TYPE",
      descriptionKey = "service-type")
  private String type;

  @Option(names = "--max-price", paramLabel = "MYST", descriptionKey = "max-price")
  private String maxPrice;

  @Option(names = "--metering", paramLabel = "HOW", descriptionKey = "metering-filter")
  private ServiceProposal.Metering metering;

  @Option(names = "--preferred-first", descriptionKey = "preferred-first")
  private boolean preferredFirst;

  @Option(
      names = "--payment-step",
      defaultValue = "0.05",
      paramLabel = "MYST",
      descriptionKey = "payment-step")
  private String paymentStep;

  @Option(
      names = "--max-spend",
      defaultValue = "1",
      paramLabel = "MYST",
      descriptionKey = "max-spend")
  private String maxSpend;

  @Option(
      names = "--max-spend-per-provider",
      defaultValue = "2",
      paramLabel = "MYST",
      descriptionKey = "max-spend-per-provider")
  private String maxSpendPerProvider;

  @Option(
      names = "--socks-port",
      defaultValue = "" + DEFAULT_SOCKS_PORT,
      paramLabel = "PORT",
      descriptionKey = "socks-port")
  private int socksPort;

  @Option(
      names = "--listen",
      paramLabel = "CONTACT",
      defaultValue = DEFAULT_LISTEN,
      descriptionKey = "consumer-listen")
  private String listen;

  @Option(
      names = "--interface",
      paramLabel = "NAME",
      defaultValue = DEFAULT_INTERFACE,
      descriptionKey = "tunnel-interface")
  private String tunnelInterface;

  @Option(names = "--no-kill-switch", descriptionKey = "no-kill-switch")
  private boolean noKillSwitch;

  @Option(
      names = "--run-for",
      paramLabel = "SECONDS",
      defaultValue = "0",
      descriptionKey = "run-for")
  private long runForSeconds;

  @Override
  public Integer call() throws Exception {
    // decided once, first: a daemon on this data directory holds it, so connect goes through its
    // API (and the daemon, not this process, needs the rights a tunnel takes)
    Optional<DaemonClient> daemon = DaemonClient.ifRunning(root.dataDirectory().root());
    if (daemon.isPresent()) {
      try (DaemonClient client = daemon.get()) {
        return throughDaemon(client, limit(), isTunnel());
      }
    }
    SpendLimit limit = limit();
    ConnectionOptions how =
        ConnectionOptions.socks5()
            .withServiceType(type)
            .withKillSwitch(!noKillSwitch)
            .withSpendLimit(limit)
            .withPaymentStep(Myst.parse(paymentStep))
            .withSocksListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), socksPort))
            .withInterfaceName(tunnelInterface)
            // its own loop below: it fails over at the limit per session too, and says so
            .withFailOver(false);
    boolean tunnel = how.isTunnel();
    if (tunnel) {
      // before anything is paid: can this user open the tunnel at all?
      try {
        ServiceTypes.standard().checkTunnel(how);
      } catch (NodeException e) {
        throw new UserError("error.tunnel", e.getMessage());
      }
    }
    NodeConfig config = chainOptions.nodeConfig(root).withListen(Contact.parse(listen));
    // opened first, closed last: a signal stops what follows in the order of a normal end
    try (Stopping stopping = Stopping.onSignal();
        Node node = Node.start(config, unlocking.unlock(root))) {
      List<ProposalIndex.Listing> found =
          node.search(
              new ProposalIndex.Query(
                  Optional.of(type),
                  Optional.ofNullable(country).map(c -> c.toUpperCase(Locale.ROOT)),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.ofNullable(metering),
                  Optional.ofNullable(maxPrice).map(p -> Myst.parse(p).baseUnits()),
                  Optional.empty(),
                  preferredFirst,
                  20));
      if (found.isEmpty()) {
        throw new UserError("error.no-provider", country == null ? "-" : country, type);
      }
      root.say("connect.limits", limit.perSession(), limit.perProvider());
      List<ProposalIndex.Listing> candidates = new java.util.ArrayList<>(found);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(runForSeconds);
      CountDownLatch ended;
      ConsumerSession session;
      while (true) {
        ended = new CountDownLatch(1);
        try {
          session = open(node, candidates, ended, how);
        } catch (InterruptedException e) {
          if (stopping.requested()) {
            return 0; // stopped while connecting: nothing is open yet
          }
          throw e;
        }
        if (tunnel) {
          root.say("connect.tunnel", session.client().describe());
        } else {
          root.say("connect.connected", Integer.toString(session.socksAddress().getPort()));
        }
        session.closedByProvider().thenRun(ended::countDown);
        stopping.await(
            runForSeconds > 0
                ? Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))
                : Duration.ZERO,
            ended);
        if (stopping.requested() || ended.getCount() != 0 || session.endedBy() == null) {
          break;
        }
        // this side left the provider (overbilled, advice above the step, the limit): the next
        leave(node);
        Address left = session.provider();
        candidates.removeIf(l -> l.proposal().provider().equals(left));
        if (candidates.isEmpty()) {
          throw new UserError("error.connect", session.closedByProvider().getNow("-"));
        }
        root.say("connect.failing-over", left);
      }
      if (!stopping.requested() && ended.getCount() == 0 && tunnel && !noKillSwitch) {
        // lost, not disconnected: nothing may leave outside the tunnel until the user says so
        root.say("connect.kill-switch-holding");
        root.environment().out().flush();
        stopping.await(
            runForSeconds > 0
                ? Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))
                : Duration.ZERO);
      }
      session.close();
      leave(node);
      root.say("connect.disconnected");
      root.environment().out().flush();
    }
    return 0;
  }

  private int throughDaemon(DaemonClient client, SpendLimit limit, boolean tunnel)
      throws Exception {
    // what the daemon chose itself when it started, or chooses for each connection
    if (socksPort != DEFAULT_SOCKS_PORT) {
      throw new UserError("error.daemon-option", "--socks-port", client.socket());
    }
    if (!listen.equals(DEFAULT_LISTEN)) {
      throw new UserError("error.daemon-option", "--listen", client.socket());
    }
    if (tunnel && !tunnelInterface.equals(DEFAULT_INTERFACE)) {
      throw new UserError("error.daemon-option", "--interface", client.socket());
    }
    return new DaemonConnect(root, client)
        .run(
            new DaemonConnect.Asked(
                type,
                country,
                maxPrice,
                metering,
                preferredFirst,
                limit,
                Myst.parse(paymentStep).toPlainString(),
                tunnel,
                !noKillSwitch,
                runForSeconds));
  }

  /** Whether {@code --type} is the IP tunnel (after checking it is a service at all). */
  private boolean isTunnel() {
    try {
      ServiceTypes.standard().check(type);
    } catch (NodeException e) {
      throw new UserError("error.unknown-service", type);
    }
    return ConnectionOptions.socks5().withServiceType(type).isTunnel();
  }

  /** The spending limits given (checked for the type first, as before). */
  private SpendLimit limit() {
    isTunnel();
    try {
      return new SpendLimit(Myst.parse(maxSpend), Myst.parse(maxSpendPerProvider));
    } catch (IllegalArgumentException e) {
      throw new UserError("error.max-spend", e.getMessage());
    }
  }

  /** Ends the node's connection if it has not ended already. */
  private static void leave(Node node) throws NodeException {
    try {
      node.disconnect();
    } catch (NodeException e) {
      if (e.code() != NodeException.Code.NOT_CONNECTED) {
        throw e;
      }
    }
  }

  private ConsumerSession open(
      Node node,
      List<ProposalIndex.Listing> candidates,
      CountDownLatch ended,
      ConnectionOptions how)
      throws InterruptedException, NodeException {
    AtomicReference<ConsumerSession> opened = new AtomicReference<>();
    try {
      ConsumerSession session =
          node.connect(
              candidates,
              how,
              printing(ended, opened),
              new Connector.Attempts() {
                @Override
                public void trying(ServiceProposal candidate) {
                  root.say(
                      "connect.trying",
                      candidate.provider(),
                      candidate.providedFrom().country(),
                      candidate.pricePerUnit(),
                      root.environment().messages().get("unit." + candidate.metering()));
                }

                @Override
                public void failed(ServiceProposal candidate, String reason) {
                  root.say("connect.failed", candidate.provider(), reason);
                }
              });
      opened.set(session);
      return session;
    } catch (NodeException e) {
      if (e.code() == NodeException.Code.NO_PROVIDER) {
        throw new UserError("error.connect", e.getMessage());
      }
      throw e;
    }
  }

  private SessionEvents printing(CountDownLatch ended, AtomicReference<ConsumerSession> opened) {
    return new SessionEvents() {
      private long lastShown;

      @Override
      public void metering(Address peer, Metering m) {
        if (m.durationMillis() / 1000 == lastShown && !m.last()) {
          return; // at most one line a second
        }
        lastShown = m.durationMillis() / 1000;
        root.say(
            "connect.metering",
            megabytes(m.bytesToConsumer()),
            megabytes(m.bytesFromConsumer()),
            Long.toString(m.durationMillis() / 1000),
            myst(m.cost()));
      }

      @Override
      public void sessionClosed(Address peer, String sessionId, String reason, Metering last) {
        ConsumerSession session = opened.get();
        boolean ours = session != null && session.endedBy() != null;
        root.say(ours ? "connect.left" : "connect.closed", reason);
        ended.countDown();
      }
    };
  }

  private static String megabytes(long bytes) {
    return BigDecimal.valueOf(bytes)
        .movePointLeft(6)
        .setScale(2, java.math.RoundingMode.HALF_UP)
        .toPlainString();
  }

  static String myst(BigInteger baseUnits) {
    return new BigDecimal(baseUnits)
        .movePointLeft(Myst.DECIMALS)
        .stripTrailingZeros()
        .toPlainString();
  }
}
