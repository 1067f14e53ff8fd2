package network.mysterium.node;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProviderAnnouncer;
import network.mysterium.discovery.ServiceProposal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A proposal for a service this process runs outside {@link NodeSharing#start} (a relay), kept
 * announced as a running provider keeps its own: checked at the node's re-announce interval and
 * announced again once half the deployment's expiry window has passed, so consumers never drop it;
 * until closed.
 */
public final class KeptAnnouncement implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeptAnnouncement.class);

  private final ServiceProposal announced;
  // its own thread: an announcement is a chain transaction, which must hold up nothing else
  private final ScheduledExecutorService checks =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("keep-announced").daemon().factory());
  private boolean failing; // only the checks' one thread reads and writes it

  private KeptAnnouncement(ServiceProposal announced) {
    this.announced = announced;
  }

  /** Announces {@code wanted} now (unless the chain carries it already) and keeps it announced. */
  static KeptAnnouncement start(
      ProviderAnnouncer announcer, ServiceProposal wanted, PrivateKey key, Duration every)
      throws Exception {
    KeptAnnouncement kept = new KeptAnnouncement(announcer.offer(wanted, key));
    long check = every.toMillis();
    kept.checks.scheduleWithFixedDelay(
        () -> kept.check(announcer, wanted, key), check, check, TimeUnit.MILLISECONDS);
    return kept;
  }

  /**
   * Offers the same proposal again: the announcer sends it only when it is due (or superseded), so
   * only this service type is kept alive, not whatever else this identity once announced.
   */
  private void check(ProviderAnnouncer announcer, ServiceProposal wanted, PrivateKey key) {
    try {
      announcer.offer(wanted, key);
      if (failing) {
        LOG.info("announcing the {} proposal works again", wanted.serviceType());
        failing = false;
      }
    } catch (Exception e) {
      if (!failing) { // once per outage, not at every check
        LOG.warn(
            "cannot announce the {} proposal again (will retry): {}",
            wanted.serviceType(),
            e.getMessage());
        failing = true;
      }
    }
  }

  /** The proposal as first announced (with its serial). */
  public ServiceProposal proposal() {
    return announced;
  }

  /** Stops the checks (before the node closes: an announcement signs with the node's key). */
  @Override
  public void close() {
    checks.shutdownNow();
    try {
      // bounded, as a provider's stop is: the RPC has its own timeout, the thread is a daemon
      checks.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
