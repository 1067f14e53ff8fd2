package network.mysterium.app.node;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.IdentityRegistryContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * "Share my bandwidth": this identity as a provider, with a database of its own, and what sharing
 * earned. Blocking calls: the app runs them off the FX thread.
 */
public final class DesktopSharing {
  private final PrivateKey key;
  private final Path dataDir;
  private final EthereumClient client;
  private final Deployment deployment;
  private final PaymentsContract payments;
  private ProviderNode provider;
  private Database providerStore;

  DesktopSharing(
      PrivateKey key,
      Path dataDir,
      EthereumClient client,
      Deployment deployment,
      PaymentsContract payments) {
    this.key = key;
    this.dataDir = dataDir;
    this.client = client;
    this.deployment = deployment;
    this.payments = payments;
  }

  /**
   * What sharing earned: promises held but not yet cleared, the payments account (where cleared
   * promises arrive, less the fee), and the sessions open now.
   */
  public record Earnings(Myst uncleared, Myst paymentsAccount, int activeSessions) {}

  /** Shares bandwidth: a SOCKS5 provider announced on chain from this identity. */
  public synchronized ProviderNode startProviding(
      ProviderNode.Config config, java.time.Duration reannounceCheck)
      throws IOException, StoreException, ChainException {
    if (provider == null) {
      // a database of its own: the provider follows the chain with its own follower
      Database providerDatabase = Database.open(dataDir.resolve("provider.db"));
      try {
        provider =
            ProviderNode.start(
                config,
                key,
                providerDatabase,
                client,
                deployment,
                reannounceCheck,
                SessionEvents.none());
        providerStore = providerDatabase;
      } catch (IOException | StoreException | ChainException | RuntimeException e) {
        providerDatabase.close();
        throw e;
      }
    }
    return provider;
  }

  /**
   * The most a consumer may owe this provider uncleared: half the registration stake the identity
   * registry asks now (whitepaper 6.5.6), as the CLI's {@code provider run} caps it.
   */
  public Myst exposureCap() throws ChainException {
    return Myst.ofBaseUnits(
        new IdentityRegistryContract(client, deployment.identityRegistry())
            .registrationStake()
            .shiftRight(1));
  }

  /** Datagrams this provider's messaging port refused, by reason (none while not sharing). */
  public synchronized java.util.Map<network.mysterium.messaging.Rejection, Long> refused() {
    java.util.Map<network.mysterium.messaging.Rejection, Long> counts =
        new java.util.EnumMap<>(network.mysterium.messaging.Rejection.class);
    if (provider != null) {
      var counters = provider.datagramRejections();
      for (var reason : network.mysterium.messaging.Rejection.values()) {
        if (counters.get(reason) > 0) {
          counts.put(reason, counters.get(reason));
        }
      }
    }
    return counts;
  }

  /** What sharing has earned so far (nothing while not sharing). */
  public synchronized Earnings earnings() throws StoreException, ChainException {
    BigInteger uncleared = BigInteger.ZERO;
    int active = 0;
    if (provider != null) {
      for (var exposure : provider.promises().exposures()) {
        uncleared = uncleared.add(exposure.uncleared().baseUnits());
      }
      active = provider.activeSessions();
    }
    return new Earnings(
        Myst.ofBaseUnits(uncleared),
        Myst.ofBaseUnits(payments.balanceOf(key.address().toString())),
        active);
  }

  /** The sessions this node provides now, with their metering (none while not sharing). */
  public synchronized List<network.mysterium.session.ProviderSessions.ActiveSession>
      providerSessions() {
    return provider == null ? List.of() : provider.sessions();
  }

  public synchronized void stopProviding() {
    if (provider != null) {
      provider.close();
      provider = null;
      try {
        providerStore.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
  }

  public synchronized boolean providing() {
    return provider != null;
  }
}
