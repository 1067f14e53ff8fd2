package network.mysterium.cli.session;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Stopping;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.cli.UserError;
import network.mysterium.cli.discovery.LocationOptions;
import network.mysterium.cli.discovery.ProviderCommand;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.node.MarketRelays;
import network.mysterium.node.Node;
import network.mysterium.node.NodeConfig;
import network.mysterium.node.NodeException;
import network.mysterium.node.ProposalSearch;
import network.mysterium.node.ServiceTypes;
import network.mysterium.node.Subscription;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.payments.Promise;
import network.mysterium.provider.ProviderNode;
import network.mysterium.service.tunnel.WireGuardBackend;
import network.mysterium.service.wireguard.IpPrefix;
import network.mysterium.session.ProviderSessions;
import network.mysterium.session.SessionEvents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mysterium provider run}: a headless provider of SOCKS5 or the WireGuard IP tunnel.
 * Announces its proposal, serves sessions, takes promises, and clears them on chain when sessions
 * end; runs until stopped.
 */
@Command(name = "run", mixinStandardHelpOptions = true)
public final class ProviderRunCommand implements Callable<Integer> {
  @ParentCommand private ProviderCommand provider;
  @Mixin private ChainOptions chainOptions;
  @Mixin private UnlockOptions unlocking;
  @Mixin private LocationOptions location;

  @Option(
      names = "--type",
      defaultValue = "socks5",
      paramLabel = "TYPE",
      descriptionKey = "service-type")
  private String type;

  @Option(names = "--price", required = true, paramLabel = "MYST", descriptionKey = "price")
  private String price;

  @Option(
      names = "--metering",
      defaultValue = "PER_MEGABYTE",
      paramLabel = "UNIT",
      descriptionKey = "metering")
  private ServiceProposal.Metering metering;

  @Option(
      names = "--bandwidth-kbps",
      defaultValue = "100000",
      paramLabel = "KBPS",
      descriptionKey = "bandwidth-kbps-served")
  private long bandwidthKbps;

  @Option(names = "--origin-country", paramLabel = "CC", descriptionKey = "origin-country-served")
  private String originCountry;

  @Option(names = "--origin-asn", paramLabel = "N", descriptionKey = "origin-asn-served")
  private Long originAsn;

  @Option(
      names = "--sessions-per-consumer",
      defaultValue = "4",
      paramLabel = "N",
      descriptionKey = "sessions-per-consumer")
  private int sessionsPerConsumer;

  @Option(
      names = "--require-cleared",
      paramLabel = "N",
      defaultValue = "0",
      descriptionKey = "require-cleared")
  private long requireCleared;

  @Option(
      names = "--require-balance",
      paramLabel = "MYST",
      defaultValue = "0",
      descriptionKey = "require-balance")
  private String requireBalance;

  @Option(names = "--country", paramLabel = "CC", descriptionKey = "provider-country")
  private String country;

  @Option(names = "--asn", paramLabel = "N", descriptionKey = "provider-asn")
  private Long asn;

  @Option(
      names = "--listen",
      defaultValue = "udp://0.0.0.0:5000",
      paramLabel = "CONTACT",
      descriptionKey = "listen")
  private String listen;

  @Option(
      names = "--exit-port",
      defaultValue = "5001",
      paramLabel = "PORT",
      descriptionKey = "exit-port")
  private int exitPort;

  @Option(
      names = "--wireguard-port",
      defaultValue = "51820",
      paramLabel = "PORT",
      descriptionKey = "wireguard-port")
  private int wireGuardPort;

  @Option(
      names = "--interface",
      defaultValue = "myst-wg0",
      paramLabel = "NAME",
      descriptionKey = "tunnel-interface")
  private String tunnelInterface;

  @Option(
      names = "--tunnel-subnet",
      defaultValue = "10.182.0.0/24",
      paramLabel = "CIDR",
      descriptionKey = "tunnel-subnet")
  private String tunnelSubnet;

  /** {@code --relay market}: relays announced in the market (whitepaper 6.6), not named by hand. */
  private static final String MARKET = "market";

  /** Two: one relay going away leaves the provider reachable through the other. */
  private static final int MARKET_RELAYS = 2;

  @Option(names = "--relay", paramLabel = "IP:PORT|market", descriptionKey = "provider-relay")
  private java.util.List<String> relays = new java.util.ArrayList<>();

  @Option(names = "--advertise", required = true, paramLabel = "IP", descriptionKey = "advertise")
  private String advertise;

  @Option(
      names = "--minimum-promise",
      defaultValue = "0.01",
      paramLabel = "MYST",
      descriptionKey = "minimum-promise")
  private String minimumPromise;

  @Option(names = "--exposure-cap", paramLabel = "MYST", descriptionKey = "exposure-cap")
  private String exposureCap;

  @Option(names = "--trial", defaultValue = "0", paramLabel = "MYST", descriptionKey = "trial")
  private String trial;

  @Option(
      names = "--clear-at",
      defaultValue = "1",
      paramLabel = "MYST",
      descriptionKey = "clear-at")
  private String clearAt;

  @Option(
      names = "--clear-after-hours",
      defaultValue = "24",
      paramLabel = "HOURS",
      descriptionKey = "clear-after-hours")
  private long clearAfterHours;

  @Option(names = "--allow-private-targets", descriptionKey = "allow-private-targets")
  private boolean allowPrivateTargets;

  @Option(
      names = "--run-for",
      paramLabel = "SECONDS",
      defaultValue = "0",
      descriptionKey = "run-for")
  private long runForSeconds;

  @Override
  public Integer call() throws Exception {
    MysteriumCommand root = provider.root();
    if (!ServiceTypes.standard().names().contains(type)) {
      throw new UserError("error.unknown-service", type);
    }
    WireGuardBackend.Settings wireGuard;
    try {
      wireGuard =
          new WireGuardBackend.Settings(
              tunnelInterface,
              wireGuardPort,
              IpPrefix.parse(tunnelSubnet),
              1420,
              allowPrivateTargets);
    } catch (IllegalArgumentException e) {
      throw new UserError("error.tunnel", e.getMessage());
    }
    ServiceProposal.Place place = location.detect(root, country, asn);
    ProviderNode.Offering offering = offering(place);
    // the node's one port: consumers' dialogues reach it there
    Contact dialogueContact = Contact.parse(listen);
    // unlocked first: the market's relays are picked before the node starts, never its own
    PrivateKey key = unlocking.unlock(root);
    NodeConfig nodeConfig;
    try {
      NodeConfig base = chainOptions.nodeConfig(root);
      nodeConfig = base.withListen(dialogueContact).withRelays(relayAddresses(root, base, key));
    } catch (RuntimeException | NodeException e) {
      key.close();
      throw e;
    }
    // opened first, closed last: SIGTERM (systemd stop) or Ctrl-C stops the provider the way the
    // end of --run-for does (sessions end, promises clear within a bound, the host is restored)
    // one thread, a short queue: the exposure line costs a chain call, never the session's time
    java.util.concurrent.ThreadPoolExecutor exposures =
        new java.util.concurrent.ThreadPoolExecutor(
            1,
            1,
            0,
            java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(16),
            Thread.ofPlatform().name("exposure-print").daemon().factory(),
            new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
    try (Stopping stopping = Stopping.onSignal();
        Node node = Node.start(nodeConfig, key);
        Subscription printed = node.subscribe(printing(root, node, exposures))) {
      // Risk (whitepaper 6.5.6): uncleared promises per consumer stay under half the stake.
      Myst cap = exposureCap != null ? Myst.parse(exposureCap) : node.chain().exposureCap();
      ServiceProposal proposal;
      try {
        proposal =
            node.sharing()
                .start(
                    new ProviderNode.Config(
                        type,
                        wireGuard,
                        dialogueContact,
                        new InetSocketAddress(dialogueContact.address().getAddress(), exitPort),
                        InetAddress.ofLiteral(advertise).getHostAddress(),
                        place,
                        Myst.parse(price),
                        Myst.parse(minimumPromise),
                        cap,
                        Myst.parse(trial),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(10),
                        allowPrivateTargets,
                        new ClearingPolicy(
                            Myst.parse(clearAt),
                            Duration.ofHours(clearAfterHours),
                            Duration.ofMinutes(1)),
                        offering));
      } catch (NodeException e) {
        if (e.code() == NodeException.Code.HOST && type.equals(ServiceTypes.WIREGUARD)) {
          throw new UserError("error.tunnel", e.getMessage());
        }
        throw e;
      }
      try {
        root.say(
            "provider.running",
            node.address(),
            proposal.providedFrom().country(),
            proposal.pricePerUnit(),
            proposal.contacts().getFirst(),
            Long.toString(proposal.serial()),
            type,
            root.environment().messages().get("unit." + proposal.metering()),
            proposal.origin().country(),
            Long.toString(proposal.bandwidthKbps()));
        Thread watch = null;
        if (!relays.isEmpty()) {
          var reached = node.reachability();
          root.say("provider.reachability", reached.kind(), reached.why());
          watch = Thread.ofVirtual().name("reachability").start(() -> reprint(root, node, reached));
        }
        root.environment().out().flush();
        try {
          stopping.await(Duration.ofSeconds(runForSeconds));
        } finally {
          if (watch != null) {
            watch.interrupt();
          }
        }
      } finally {
        exposures.shutdownNow();
        node.sharing().stop();
        root.say("provider.stopped");
        root.environment().out().flush();
      }
    } finally {
      exposures.shutdownNow();
    }
    return 0;
  }

  /** Says the reachability again whenever its kind changes (a punch found a path, a relay left). */
  private static void reprint(
      MysteriumCommand root, Node node, network.mysterium.relay.Reachability shown) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(2_000); // a poll: reachability is read from the relays' and punches' state
        var now = node.reachability();
        if (now.kind() != shown.kind()) {
          root.say("provider.reachability", now.kind(), now.why());
          root.environment().out().flush();
          shown = now;
        }
      }
    } catch (InterruptedException e) {
      // stopping
    }
  }

  /**
   * The relays named by hand, and for {@code market} up to {@link #MARKET_RELAYS} announced in the
   * market, cheapest first.
   */
  private java.util.List<InetSocketAddress> relayAddresses(
      MysteriumCommand root, NodeConfig config, PrivateKey key) throws NodeException {
    java.util.List<InetSocketAddress> out = new java.util.ArrayList<>();
    for (String relay : relays) {
      if (relay.equals(MARKET)) {
        for (MarketRelays.Relay found : marketRelays(config, key)) {
          root.say(
              "provider.market-relay",
              found.control().getAddress().getHostAddress() + ":" + found.control().getPort(),
              found.identity(),
              found.proposal().pricePerUnit(),
              root.environment().messages().get("unit." + found.proposal().metering()));
          out.add(found.control());
        }
        continue;
      }
      int colon = relay.lastIndexOf(':');
      try {
        out.add(
            new InetSocketAddress(
                InetAddress.ofLiteral(relay.substring(0, colon).replaceAll("^\\[|\\]$", "")),
                Integer.parseInt(relay.substring(colon + 1))));
      } catch (RuntimeException e) {
        throw new UserError("error.relay-address", relay);
      }
    }
    return java.util.List.copyOf(new java.util.LinkedHashSet<>(out)); // each relay once
  }

  private static java.util.List<MarketRelays.Relay> marketRelays(NodeConfig config, PrivateKey key)
      throws NodeException {
    try (ProposalSearch market = ProposalSearch.open(config)) {
      java.util.List<MarketRelays.Relay> found = market.relays(MARKET_RELAYS, key.address());
      if (found.isEmpty()) {
        throw new UserError("error.no-market-relay");
      }
      return found;
    }
  }

  /**
   * What the consumer owes this provider and others now, and what this provider still accepts from
   * it (whitepaper 6.5.6), told after each promise it accepts.
   */
  private static void printExposure(MysteriumCommand root, Node node, Address consumer) {
    try {
      node.sharing()
          .exposureOf(consumer)
          .ifPresent(
              e ->
                  root.say(
                      "provider.exposure",
                      consumer,
                      e.heldHere().toPlainString(),
                      e.heldByOthers().toPlainString(),
                      e.spendable().toPlainString(),
                      e.left().toPlainString()));
    } catch (NodeException | RuntimeException e) {
      root.say("provider.exposure-unknown", consumer, e.getMessage());
    }
  }

  private static SessionEvents printing(
      MysteriumCommand root, Node node, java.util.concurrent.Executor exposures) {
    return new SessionEvents() {
      @Override
      public void sessionOpened(Address peer, String sessionId, String serviceType) {
        root.say("provider.session-opened", peer, sessionId);
      }

      @Override
      public void promiseAccepted(Address peer, Promise promise, BigInteger leftover) {
        root.say(
            "provider.promise",
            peer,
            Long.toString(promise.serial()),
            promise.amount(),
            ConnectCommand.myst(leftover));
        exposures.execute(() -> printExposure(root, node, peer));
      }

      @Override
      public void sessionClosed(Address peer, String sessionId, String reason, Metering last) {
        root.say(
            "provider.session-closed",
            peer,
            reason,
            Long.toString(last.bytesToConsumer() + last.bytesFromConsumer()),
            ConnectCommand.myst(last.cost()));
      }

      @Override
      public void cleared(Address peer, List<Promise> cleared, String deferred) {
        Myst total =
            cleared.stream()
                .map(Promise::amount)
                .reduce(Myst.ofBaseUnits(BigInteger.ZERO), Myst::plus);
        root.say("provider.cleared", peer, Integer.toString(cleared.size()), total);
        if (deferred != null) {
          root.say("provider.clearing-deferred", peer, deferred);
        }
      }
    };
  }

  /** Origin (where traffic appears to come from; default: where it is provided from) and limits. */
  private ProviderNode.Offering offering(ServiceProposal.Place providedFrom) {
    if (bandwidthKbps <= 0 || sessionsPerConsumer < 1) {
      throw new UserError(
          "error.invalid-input", "--bandwidth-kbps and --sessions-per-consumer must be positive");
    }
    if (originCountry == null && originAsn != null) {
      throw new UserError("error.invalid-input", "--origin-asn needs --origin-country");
    }
    java.util.Optional<ServiceProposal.Place> origin;
    try {
      origin =
          originCountry == null
              ? java.util.Optional.empty()
              : java.util.Optional.of(
                  new ServiceProposal.Place(
                      originCountry.toUpperCase(java.util.Locale.ROOT),
                      originAsn != null ? originAsn : providedFrom.asn()));
    } catch (IllegalArgumentException e) {
      throw new UserError("error.invalid-input", e.getMessage());
    }
    network.mysterium.provider.IssuerTrust history;
    try {
      history =
          new network.mysterium.provider.IssuerTrust(
              requireCleared, network.mysterium.money.Myst.parse(requireBalance));
    } catch (IllegalArgumentException e) {
      throw new UserError(
          "error.invalid-input", "--require-cleared, --require-balance: " + e.getMessage());
    }
    return new ProviderNode.Offering(
            origin,
            metering,
            bandwidthKbps,
            sessionsPerConsumer,
            ProviderSessions.Terms.DEFAULT_CONFIRMATION_DEADLINE)
        .requiring(history);
  }
}
