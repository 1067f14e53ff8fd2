package network.mysterium.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data directory with at most one {@link Node} running on it, which can be started on an identity
 * of its keystore, switched to another or stopped: what a daemon serves, so that a program can
 * unlock the identity it wants through the API. The host holds the directory's lock from open to
 * close, so no other node gets in while it switches; while it runs no node (locked), only the
 * keystore is served.
 *
 * <p>A host made {@link #fixed} around a node that the embedding program owns (the desktop app)
 * refuses to switch: that program chooses its identity.
 */
public final class NodeHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeHost.class);

  private final NodeConfig config;
  private final DataDirectoryLock lock;
  private final NodeChain chain;
  private final NodeIdentities identities;
  private final Listeners<Consumer<Optional<Node>>> listeners = new Listeners<>();
  private final Object switching = new Object();
  private volatile Node node;

  private NodeHost(NodeConfig config, DataDirectoryLock lock, NodeChain chain, Node fixed) {
    this.config = config;
    this.lock = lock;
    this.chain = chain;
    this.node = fixed;
    this.identities =
        fixed != null
            ? fixed.identities()
            : new NodeIdentities(() -> Optional.ofNullable(node).map(Node::address), config, chain);
  }

  /**
   * Takes the data directory (refused with {@code DATA_DIR_IN_USE} while another node has it) and
   * connects to the chain; no identity is unlocked yet.
   */
  public static NodeHost open(NodeConfig config) throws NodeException {
    DataDirectoryLock lock;
    try {
      DataDirectory.createPrivateDirectories(config.dataDir());
      lock = DataDirectoryLock.take(config.dataDir());
    } catch (IOException | RuntimeException e) {
      throw NodeException.of(e);
    }
    try {
      return new NodeHost(
          config, lock, NodeChain.connect(config.rpc(), config.deploymentFile()), null);
    } catch (NodeException | RuntimeException e) {
      lock.close();
      throw NodeException.of(e);
    }
  }

  /** Serves a node its program owns and keeps; switching is refused with {@code IDENTITY_FIXED}. */
  public static NodeHost fixed(Node node) {
    return new NodeHost(null, null, null, node);
  }

  public Path dataDir() {
    return config != null ? config.dataDir() : node.dataDir();
  }

  /** The node running now. */
  public Optional<Node> node() {
    return Optional.ofNullable(node);
  }

  /**
   * The node running now.
   *
   * @throws NodeException {@code LOCKED} when no identity is unlocked
   */
  public Node current() throws NodeException {
    Node now = node;
    if (now == null) {
      throw new NodeException(
          NodeException.Code.LOCKED, "no identity is unlocked on " + dataDir() + ": unlock one");
    }
    return now;
  }

  /** The keystore: listed (with which identity runs now), created, imported, whether locked. */
  public NodeIdentities identities() {
    return identities;
  }

  /**
   * Starts the node on {@code address}, which {@code passphrase} (wiped) unlocks; a node running on
   * another identity is stopped first (its connection ends, its promises clear). Unlocking the
   * identity that runs already checks the passphrase and changes nothing.
   *
   * @throws NodeException {@code UNKNOWN_IDENTITY}, {@code WRONG_PASSPHRASE}, {@code
   *     IDENTITY_FIXED}, or why the node could not start (then none runs)
   */
  public Node unlock(Address address, char[] passphrase) throws NodeException {
    if (config == null) {
      java.util.Arrays.fill(passphrase, '\0');
      throw fixedIdentity();
    }
    return run(identities.unlock(address, passphrase));
  }

  /**
   * Starts the node on a key unlocked by the caller (a daemon given its passphrase at start); the
   * host owns the key from now on. Switches as {@link #unlock} does.
   */
  public Node run(PrivateKey key) throws NodeException {
    if (config == null) {
      key.close();
      throw fixedIdentity();
    }
    synchronized (switching) {
      Node now = node;
      if (now != null && now.address().equals(key.address())) {
        key.close(); // this identity runs already: its key is there
        return now;
      }
      if (now != null) {
        LOG.info("switching identity from {} to {}", now.address(), key.address());
        stopCurrent(false); // subscribers are told the new node, not a moment of none
      }
      Node started;
      try {
        started = Node.startHeld(config, key);
      } catch (NodeException e) {
        if (now != null) {
          // the old node stopped and the new one did not start: none runs now, and they hear so
          listeners.each(listener -> listener.accept(Optional.empty()));
        }
        throw e;
      }
      node = started;
      listeners.each(listener -> listener.accept(Optional.of(started)));
      return started;
    }
  }

  /** Stops the running node, if any: the host is locked again (the keystore is still served). */
  public void lock() throws NodeException {
    if (config == null) {
      throw fixedIdentity();
    }
    synchronized (switching) {
      if (node != null) {
        stopCurrent(true);
      }
    }
  }

  /**
   * Told the node running now at once, then whenever it changes (another identity unlocked: the new
   * node; locked: empty).
   */
  public Subscription subscribe(Consumer<Optional<Node>> told) {
    synchronized (switching) { // no switch between "now" and "from now on"
      Subscription subscription = listeners.add(told);
      told.accept(Optional.ofNullable(node));
      return subscription;
    }
  }

  private void stopCurrent(boolean tell) {
    Node stopping = node;
    node = null; // requests from now on are answered LOCKED
    stopping.close(); // subscribers still hear its last events (the session ending)
    if (tell) {
      listeners.each(listener -> listener.accept(Optional.empty()));
    }
  }

  private static NodeException fixedIdentity() {
    return new NodeException(
        NodeException.Code.IDENTITY_FIXED,
        "the program embedding this node chooses its identity: switch it there");
  }

  /** Stops the running node and releases the data directory (not a fixed host's node). */
  @Override
  public void close() {
    if (config == null) {
      return;
    }
    synchronized (switching) {
      if (node != null) {
        stopCurrent(true);
      }
    }
    chain.close();
    lock.close();
  }
}
