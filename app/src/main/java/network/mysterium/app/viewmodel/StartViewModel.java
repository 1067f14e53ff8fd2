package network.mysterium.app.viewmodel;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import network.mysterium.app.settings.SettingsStore;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.i18n.Messages;
import network.mysterium.identity.Keystore;
import network.mysterium.identity.KeystoreException;
import network.mysterium.node.Node;
import network.mysterium.node.NodeChain;
import network.mysterium.node.NodeConfig;
import network.mysterium.node.NodeException;

/**
 * The first screen of a real (not demo) start: which chain, and the identity to unlock with its
 * passphrase, or a new identity when the keystore has none. Nothing starts until the passphrase
 * opens the key and the chain answers; each failure says what to fix.
 */
public final class StartViewModel {
  /** A passphrase shorter than this protects too little (scrypt slows guessing, not this). */
  public static final int MIN_PASSPHRASE = 8;

  private final Keystore keystore;
  private final SettingsStore settings;
  private final Background background;
  private final Messages messages;
  private final Consumer<Node> opened;
  private final StringProperty rpc = new SimpleStringProperty("");
  private final StringProperty deployment = new SimpleStringProperty("");
  private final ObservableList<Address> identities = FXCollections.observableArrayList();
  private final ObjectProperty<Address> identity = new SimpleObjectProperty<>();
  private final StringProperty passphrase = new SimpleStringProperty("");
  private final StringProperty repeat = new SimpleStringProperty("");
  private final BooleanProperty creating = new SimpleBooleanProperty();
  private final BooleanProperty busy = new SimpleBooleanProperty();
  private final BooleanProperty loaded = new SimpleBooleanProperty();
  private final StringProperty status = new SimpleStringProperty("");
  private final StringProperty error = new SimpleStringProperty("");

  /**
   * @param opened gets the started node, on the FX thread
   */
  public StartViewModel(
      Keystore keystore,
      SettingsStore settings,
      Background background,
      Messages messages,
      Consumer<Node> opened) {
    this.keystore = keystore;
    this.settings = settings;
    this.background = background;
    this.messages = messages;
    this.opened = opened;
    rpc.set(settings.get().rpc().toString());
    deployment.set(settings.get().deploymentFile(settings.dataDir()).toString());
  }

  /** Reads the keystore: its identities (the default first), or none, to create one. */
  public void load() {
    background.run(
        keystore::list,
        listing -> {
          List<Address> found =
              listing.identities().stream()
                  .sorted((a, b) -> Boolean.compare(b.isDefault(), a.isDefault()))
                  .map(Keystore.StoredIdentity::address)
                  .toList();
          identities.setAll(found);
          identity.set(found.isEmpty() ? null : found.getFirst());
          creating.set(found.isEmpty());
          loaded.set(true);
        },
        e -> {
          error.set(messages.get("app.start.error.keystore", e.getMessage()));
          loaded.set(true);
        });
  }

  /** Unlocks the chosen identity (or creates one first), connects the chain, starts the node. */
  public void open() {
    error.set("");
    char[] secret = text(passphrase).toCharArray();
    boolean create = creating.get();
    if (create && secret.length < MIN_PASSPHRASE) {
      error.set(messages.get("app.start.error.short", MIN_PASSPHRASE));
      return;
    }
    if (create && !text(passphrase).equals(text(repeat))) {
      error.set(messages.get("app.start.error.repeat"));
      return;
    }
    if (!create && identity.get() == null) {
      error.set(messages.get("app.start.error.pick"));
      return;
    }
    URI rpcUri;
    try {
      rpcUri = URI.create(text(rpc).strip());
      if (rpcUri.getScheme() == null || rpcUri.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
    } catch (IllegalArgumentException e) {
      error.set(messages.get("app.start.error.rpc", text(rpc)));
      return;
    }
    Path deploymentFile = Path.of(text(deployment).strip());
    Address chosen = identity.get();
    passphrase.set("");
    repeat.set("");
    busy.set(true);
    status.set(messages.get(create ? "app.start.creating" : "app.start.unlocking"));
    background.run(
        () -> start(create, chosen, secret, rpcUri, deploymentFile),
        node -> {
          busy.set(false);
          status.set("");
          opened.accept(node);
        },
        e -> {
          busy.set(false);
          status.set("");
          error.set(explain(e, deploymentFile, rpcUri));
          if (create) {
            load(); // the identity may exist now: unlock it next time
          }
        });
  }

  private Node start(boolean create, Address chosen, char[] secret, URI rpcUri, Path deploymentFile)
      throws Exception {
    try {
      if (!Files.isRegularFile(deploymentFile)) {
        throw new StartException(
            messages.get("app.start.error.no-deployment", deploymentFile.toString()));
      }
      Address address = create ? keystore.create(secret) : chosen;
      background.onFxThread(() -> status.set(messages.get("app.start.unlocking")));
      PrivateKey key = keystore.unlock(address, secret);
      background.onFxThread(() -> status.set(messages.get("app.start.following")));
      // the node owns the key now (a start that fails wipes it)
      Node node =
          Node.start(
              NodeConfig.of(settings.dataDir(), rpcUri).withDeploymentFile(deploymentFile), key);
      try {
        node.chain().fundGasOnDevChain(address); // anvil only: gas for a new identity
        settings.update(s -> s.withChain(rpcUri, Optional.of(deploymentFile)));
        return node;
      } catch (Exception e) {
        node.close();
        throw e;
      }
    } finally {
      java.util.Arrays.fill(secret, '\0');
    }
  }

  private String explain(Exception e, Path deploymentFile, URI rpcUri) {
    if (e instanceof StartException s) {
      return s.getMessage();
    }
    if (e instanceof KeystoreException k) {
      return k.reason() == KeystoreException.Reason.WRONG_PASSPHRASE
          ? messages.get("app.start.error.passphrase")
          : messages.get("app.start.error.keystore", k.getMessage());
    }
    if (e instanceof NodeException n
        && (n.code() == NodeException.Code.CHAIN_UNREACHABLE
            || n.code() == NodeException.Code.NO_DEPLOYMENT)) {
      return messages.get("app.start.error.chain", NodeChain.redacted(rpcUri), n.getMessage());
    }
    return messages.get("app.error.start", e.getMessage());
  }

  /** A start that cannot go on, said in the user's language. */
  private static final class StartException extends Exception {
    StartException(String message) {
      super(message);
    }
  }

  private static String text(StringProperty property) {
    return property.get() == null ? "" : property.get();
  }

  public StringProperty rpc() {
    return rpc;
  }

  public StringProperty deployment() {
    return deployment;
  }

  public ObservableList<Address> identities() {
    return identities;
  }

  public ObjectProperty<Address> identity() {
    return identity;
  }

  public StringProperty passphrase() {
    return passphrase;
  }

  public StringProperty repeat() {
    return repeat;
  }

  /** Whether the keystore is empty, so the start creates an identity. */
  public BooleanProperty creating() {
    return creating;
  }

  /** Whether the keystore has been read (the screen then says unlock or create). */
  public BooleanProperty loaded() {
    return loaded;
  }

  public BooleanProperty busy() {
    return busy;
  }

  public StringProperty status() {
    return status;
  }

  public StringProperty error() {
    return error;
  }

  public Path dataDir() {
    return settings.dataDir();
  }
}
