package network.mysterium.service.socks;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLServerSocket;
import network.mysterium.net.InternetAddresses;
import network.mysterium.service.Meter;
import network.mysterium.service.PinnedTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's end of the SOCKS5 service: a TLS 1.3 listener (pinned in session acceptances).
 * Each connection names its session (token) and target; the provider resolves and dials it, refuses
 * private and loopback destinations unless allowed, answers with a SOCKS5 reply code, and relays,
 * metering both ways into the session.
 */
public final class Socks5Exit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Socks5Exit.class);
  static final int SESSION_ID_BYTES = 16;

  // SOCKS5 reply codes (RFC 1928 section 6), used on the data channel too.
  static final int SUCCEEDED = 0;
  static final int GENERAL_FAILURE = 1;
  static final int NOT_ALLOWED = 2;
  static final int HOST_UNREACHABLE = 4;
  static final int CONNECTION_REFUSED = 5;

  /**
   * What the exit refuses besides private targets: ports (SMTP by default: an open exit is a spam
   * relay otherwise) and how many connections one session may hold open at once.
   */
  record Policy(Set<Integer> refusedPorts, int connectionsPerSession) {
    static final Policy DEFAULT = new Policy(Set.of(25), 256);
  }

  private final PinnedTls tls;
  private final SSLServerSocket server;
  private final SessionGate sessions;
  private final boolean allowPrivateTargets;
  private final Policy policy;
  private final Map<Meter, Integer> connections = new ConcurrentHashMap<>();
  private final Thread acceptor;

  private Socks5Exit(
      PinnedTls tls,
      SSLServerSocket server,
      SessionGate sessions,
      boolean allowPrivateTargets,
      Policy policy) {
    this.tls = tls;
    this.server = server;
    this.sessions = sessions;
    this.allowPrivateTargets = allowPrivateTargets;
    this.policy = policy;
    this.acceptor = Thread.ofVirtual().name("socks5-exit").unstarted(this::acceptLoop);
  }

  /**
   * Listens on {@code address}. With {@code allowPrivateTargets} consumers may reach private and
   * loopback addresses of the provider's network (off by default: for local demos and tests).
   */
  public static Socks5Exit start(
      PinnedTls tls, InetSocketAddress address, SessionGate sessions, boolean allowPrivateTargets)
      throws IOException {
    return start(tls, address, sessions, allowPrivateTargets, Policy.DEFAULT);
  }

  static Socks5Exit start(
      PinnedTls tls,
      InetSocketAddress address,
      SessionGate sessions,
      boolean allowPrivateTargets,
      Policy policy)
      throws IOException {
    Socks5Exit exit =
        new Socks5Exit(tls, tls.listen(address), sessions, allowPrivateTargets, policy);
    exit.acceptor.start();
    return exit;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket connection = server.accept();
        Thread.ofVirtual().name("socks5-exit-connection").start(() -> serve(connection));
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("accepting a data connection failed: {}", e.getMessage());
        }
      }
    }
  }

  /**
   * Serves a connection made otherwise (dialed back to a relay that splices it to a consumer's) as
   * one accepted here: the same TLS, session gate and metering.
   */
  public void serveDialed(Socket plain) {
    if (server.isClosed()) {
      Relay.closeQuietly(plain);
      return;
    }
    try {
      Socket consumer = tls.serve(plain);
      Thread.ofVirtual().name("socks5-exit-dialed").start(() -> serve(consumer));
    } catch (IOException e) {
      LOG.debug("a dialed data connection failed: {}", e.getMessage());
      Relay.closeQuietly(plain);
    }
  }

  private void serve(Socket consumer) {
    Meter meter = null;
    Socket target = null;
    boolean holding = false;
    try {
      consumer.setSoTimeout((int) Duration.ofSeconds(15).toMillis());
      DataInputStream in = new DataInputStream(consumer.getInputStream());
      DataOutputStream out = new DataOutputStream(consumer.getOutputStream());
      byte[] token = in.readNBytes(SESSION_ID_BYTES);
      Optional<Meter> admitted = sessions.admit(token);
      if (admitted.isEmpty()) {
        reply(out, NOT_ALLOWED);
        consumer.close();
        return;
      }
      meter = admitted.get();
      // the target is read first: closing with unread input would reset the reply away
      Target destination = Target.read(in);
      meter.countFromConsumer(SESSION_ID_BYTES + 4L + destination.address().length);
      holding = true;
      if (connections.merge(meter, 1, Integer::sum) > policy.connectionsPerSession()) {
        LOG.debug("a session holds {} connections already", policy.connectionsPerSession());
        reply(out, NOT_ALLOWED);
        consumer.close();
        return;
      }
      if (policy.refusedPorts().contains(destination.port())) {
        reply(out, NOT_ALLOWED);
        consumer.close();
        return;
      }
      InetAddress[] candidates;
      try {
        candidates = destination.resolve();
      } catch (IOException e) {
        reply(out, HOST_UNREACHABLE);
        consumer.close();
        return;
      }
      int outcome = CONNECTION_REFUSED;
      for (InetAddress candidate : candidates) {
        if (!allowPrivateTargets && !InternetAddresses.isPublic(candidate)) {
          outcome = NOT_ALLOWED;
          continue;
        }
        try {
          Socket dialed = new Socket();
          dialed.connect(new InetSocketAddress(candidate, destination.port()), 10_000);
          dialed.setTcpNoDelay(true);
          target = dialed;
          break;
        } catch (IOException e) {
          outcome = CONNECTION_REFUSED;
        }
      }
      if (target == null) {
        reply(out, outcome);
        consumer.close();
        return;
      }
      reply(out, SUCCEEDED);
      consumer.setSoTimeout(0);
      if (!meter.open(consumer) || !meter.open(target)) {
        return;
      }
      Meter counted = meter;
      // what the consumer's kernel has not acknowledged is not delivered: not billed yet
      counted.track(consumer, Meter.Queue.UNACKNOWLEDGED);
      // the announced bandwidth: each direction waits for its share before the bytes go on
      Relay.run(
          consumer,
          target,
          n -> {
            counted.paceFromConsumer(n);
            counted.countFromConsumer(n);
          },
          n -> {
            counted.paceToConsumer(n);
            counted.countToConsumer(n);
          },
          clean -> counted.settle(consumer, clean));
    } catch (IOException e) {
      LOG.debug("data connection ended: {}", e.getMessage());
      Relay.closeQuietly(consumer);
      if (target != null) {
        Relay.closeQuietly(target);
      }
    } finally {
      if (holding) { // a session without connections costs no entry
        connections.computeIfPresent(meter, (m, n) -> n == 1 ? null : n - 1);
      }
      if (meter != null) {
        meter.settle(consumer, false);
        meter.release(consumer);
        if (target != null) {
          meter.release(target);
        }
      }
    }
  }

  private static void reply(DataOutputStream out, int code) throws IOException {
    out.writeByte(code);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
