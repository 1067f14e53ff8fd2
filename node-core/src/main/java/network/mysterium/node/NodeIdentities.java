package network.mysterium.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import network.mysterium.chain.ChainWallet;
import network.mysterium.contracts.ChainException;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.identity.Keystore;
import network.mysterium.identity.KeystoreException;

/**
 * The identities in the node's keystore ({@code <dataDir>/keystore}): listed with whether each is
 * the one this node runs as and registered on chain, created, imported. Passphrases arrive as
 * {@code char[]} and are wiped here once used, whatever happens; they are never logged.
 */
public final class NodeIdentities {
  /** One identity of the keystore. */
  public record Row(Address address, boolean current, boolean registered) {}

  private final Supplier<Optional<Address>> current;
  private final Keystore keystore;
  private final ChainWallet wallet;

  /**
   * @param current the identity the node runs as now (none while a {@link NodeHost} is locked)
   */
  NodeIdentities(Supplier<Optional<Address>> current, NodeConfig config, NodeChain chain) {
    this.current = current;
    this.keystore =
        new Keystore(
            new DataDirectory(config.dataDir()),
            config.keystoreKdf(),
            new SecureRandom(),
            Clock.systemUTC());
    this.wallet = new ChainWallet(chain.client(), chain.deployment());
  }

  /** Every readable identity, by address; a file that is not one is skipped (Keystore logs it). */
  public List<Row> list() throws NodeException {
    try {
      List<Row> rows = new ArrayList<>();
      Optional<Address> now = current.get();
      for (Keystore.StoredIdentity identity : keystore.list().identities()) {
        Address address = identity.address();
        rows.add(
            new Row(
                address, now.equals(Optional.of(address)), wallet.balances(address).registered()));
      }
      return rows;
    } catch (KeystoreException e) {
      throw typed(e);
    } catch (ChainException e) {
      throw NodeException.of(e);
    }
  }

  /** A new identity from a fresh key, encrypted under {@code passphrase} (wiped). */
  public Address create(char[] passphrase) throws NodeException {
    try {
      requirePassphrase(passphrase);
      return keystore.create(passphrase);
    } catch (KeystoreException e) {
      throw typed(e);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  /**
   * Imports a V3 keystore document that {@code passphrase} (wiped) opens.
   *
   * @throws NodeException {@code WRONG_PASSPHRASE}, {@code INVALID_KEYSTORE} (malformed or
   *     unsupported), {@code IDENTITY_EXISTS}
   */
  public Address importKeystore(String json, char[] passphrase) throws NodeException {
    Path file = null;
    try {
      requirePassphrase(passphrase);
      // Keystore imports files: the document (encrypted, no secret) goes through a 0600 temp file
      Path directory = DataDirectory.createPrivateDirectories(keystore.directory().getParent());
      file =
          Files.createTempFile(
              directory,
              ".import-",
              ".json",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, json, StandardCharsets.UTF_8);
      return keystore.importFile(file, passphrase);
    } catch (KeystoreException e) {
      throw typed(e);
    } catch (IOException e) {
      throw new NodeException(NodeException.Code.STORAGE, "cannot stage the import", e);
    } finally {
      Arrays.fill(passphrase, '\0');
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // a leftover encrypted document only; the keystore's listing skips dot files
        }
      }
    }
  }

  /**
   * The key of a stored identity, which {@code passphrase} (wiped) opens; the caller owns it.
   *
   * @throws NodeException {@code UNKNOWN_IDENTITY}, {@code WRONG_PASSPHRASE}, {@code
   *     INVALID_KEYSTORE}
   */
  PrivateKey unlock(Address address, char[] passphrase) throws NodeException {
    try {
      requirePassphrase(passphrase);
      return keystore.unlock(address, passphrase);
    } catch (KeystoreException e) {
      throw typed(e);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  private static void requirePassphrase(char[] passphrase) throws NodeException {
    if (passphrase.length == 0) {
      throw new NodeException(NodeException.Code.INVALID_INPUT, "the passphrase is empty");
    }
  }

  /** The keystore's reason as a node code; the subject is a file name or an address, no secret. */
  private static NodeException typed(KeystoreException e) {
    NodeException.Code code =
        switch (e.reason()) {
          case WRONG_PASSPHRASE -> NodeException.Code.WRONG_PASSPHRASE;
          case MALFORMED, UNSUPPORTED -> NodeException.Code.INVALID_KEYSTORE;
          case ALREADY_EXISTS -> NodeException.Code.IDENTITY_EXISTS;
          case IO -> NodeException.Code.STORAGE;
          case UNKNOWN_IDENTITY, NO_IDENTITY, NO_DEFAULT -> NodeException.Code.UNKNOWN_IDENTITY;
        };
    return new NodeException(code, e.getMessage(), e, e.subject());
  }
}
