package network.mysterium.identity;

import static network.mysterium.identity.KeystoreException.Reason.ALREADY_EXISTS;
import static network.mysterium.identity.KeystoreException.Reason.IO;
import static network.mysterium.identity.KeystoreException.Reason.MALFORMED;
import static network.mysterium.identity.KeystoreException.Reason.NO_DEFAULT;
import static network.mysterium.identity.KeystoreException.Reason.NO_IDENTITY;
import static network.mysterium.identity.KeystoreException.Reason.UNKNOWN_IDENTITY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.datadir.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's identities: one Web3 Secret Storage (V3) file per identity in the data directory's
 * {@code keystore} folder, named as geth names them ({@code UTC--<time>--<address>}), plus the
 * address of the default identity. Keys leave only encrypted (export) or unlocked in memory
 * (unlock); every file is written atomically with mode 0600 and decrypted again before it lands.
 */
public final class Keystore {
  private static final Logger LOG = LoggerFactory.getLogger(Keystore.class);

  /** Keystore files are small; anything larger is not one, and is not read whole. */
  private static final long MAX_FILE_BYTES = 64 * 1024;

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** An identity whose file is in the keystore. */
  public record StoredIdentity(Address address, Path file, boolean isDefault) {}

  /** A file in the keystore folder that could not be read as an identity. */
  public record Problem(Path file, KeystoreException error) {}

  /** What the keystore folder holds: readable identities (sorted by address) and problems. */
  public record Listing(List<StoredIdentity> identities, List<Problem> problems) {
    public Optional<StoredIdentity> find(Address address) {
      return identities.stream().filter(i -> i.address().equals(address)).findFirst();
    }
  }

  private final DataDirectory dataDirectory;
  private final KdfParams.Scrypt kdf;
  private final SecureRandom random;
  private final Clock clock;

  /**
   * @param kdf the scrypt cost for new and imported keys ({@link KdfParams#STANDARD} in production)
   */
  public Keystore(
      DataDirectory dataDirectory, KdfParams.Scrypt kdf, SecureRandom random, Clock clock) {
    this.dataDirectory = dataDirectory;
    this.kdf = kdf;
    this.random = random;
    this.clock = clock;
  }

  public Path directory() {
    return dataDirectory.keystore();
  }

  /** Reads every identity file; a corrupted one is reported by name and does not hide the rest. */
  public Listing list() throws KeystoreException {
    Path directory = directory();
    if (!Files.isDirectory(directory)) {
      return new Listing(List.of(), List.of());
    }
    Optional<Address> defaultAddress = defaultAddress();
    List<StoredIdentity> identities = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") || !Files.isRegularFile(file)) {
          continue; // temporary files of an interrupted write, editor backups, folders
        }
        try {
          Optional<Address> address = KeystoreV3.declaredAddress(read(file), name);
          if (address.isEmpty()) {
            throw new KeystoreException(
                MALFORMED, name, "no address field (add the file with `identity import`)");
          }
          Address found = address.get();
          if (identities.stream().anyMatch(i -> i.address().equals(found))) {
            throw new KeystoreException(ALREADY_EXISTS, found.toString(), "a second file: " + name);
          }
          identities.add(new StoredIdentity(found, file, defaultAddress.equals(address)));
        } catch (KeystoreException e) {
          LOG.info("skipping keystore file {}: {}", name, e.getMessage());
          problems.add(new Problem(file, e));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new KeystoreException(IO, directory.toString(), String.valueOf(e.getMessage()), e);
    }
    identities.sort((a, b) -> a.address().compareTo(b.address()));
    return new Listing(List.copyOf(identities), List.copyOf(problems));
  }

  /** Creates a new identity from a fresh random key; the first one becomes the default. */
  public Address create(char[] passphrase) throws KeystoreException {
    try (PrivateKey key = PrivateKey.generate(random)) {
      Address address = key.address();
      store(address, KeystoreV3.encrypt(key, passphrase, kdf, random), passphrase);
      LOG.info("created identity {}", address);
      return address;
    }
  }

  /**
   * Imports a V3 keystore file made by any Ethereum tool (scrypt or PBKDF2). The passphrase must
   * open it; the key is stored encrypted again under this keystore's KDF, so a file made with a
   * weak one (PBKDF2 with few rounds, scrypt with a small n) does not stay weak here.
   */
  public Address importFile(Path file, char[] passphrase) throws KeystoreException {
    String source = file.getFileName().toString();
    String json = read(file);
    try (PrivateKey key = KeystoreV3.decrypt(json, passphrase, source)) {
      Address address = key.address();
      if (list().find(address).isPresent()) {
        throw new KeystoreException(ALREADY_EXISTS, address.toString(), "already in the keystore");
      }
      store(address, KeystoreV3.encrypt(key, passphrase, kdf, random), passphrase);
      LOG.info("imported identity {} from {}", address, source);
      return address;
    }
  }

  /** The identity's encrypted keystore document, as stored: it opens with the same passphrase. */
  public String export(Address address) throws KeystoreException {
    return read(require(address).file());
  }

  /** Decrypts the identity's key; close it when done so its bytes are zeroed. */
  public PrivateKey unlock(Address address, char[] passphrase) throws KeystoreException {
    StoredIdentity identity = require(address);
    return KeystoreV3.decrypt(read(identity.file()), passphrase, address.toString());
  }

  /** The default identity's address, if one is set. */
  public Optional<Address> defaultAddress() throws KeystoreException {
    Path file = dataDirectory.defaultIdentityFile();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text = read(file).strip();
    try {
      return Optional.of(Address.parse(text));
    } catch (IllegalArgumentException e) {
      throw new KeystoreException(MALFORMED, file.getFileName().toString(), "not an address");
    }
  }

  public void setDefault(Address address) throws KeystoreException {
    require(address);
    writeDefault(address);
  }

  /** The named identity, or the default one when none is named. */
  public StoredIdentity resolve(Optional<Address> named) throws KeystoreException {
    if (named.isPresent()) {
      return require(named.get());
    }
    Listing listing = list();
    Optional<Address> chosen = defaultAddress();
    if (chosen.isEmpty() && listing.identities().size() == 1) {
      chosen = Optional.of(listing.identities().getFirst().address());
    }
    if (chosen.isEmpty()) {
      throw listing.identities().isEmpty()
          ? new KeystoreException(NO_IDENTITY, "keystore", "no identity yet: create one")
          : new KeystoreException(NO_DEFAULT, "keystore", "no default identity: name one");
    }
    return require(chosen.get());
  }

  private StoredIdentity require(Address address) throws KeystoreException {
    return list()
        .find(address)
        .orElseThrow(
            () ->
                new KeystoreException(
                    UNKNOWN_IDENTITY, address.toString(), "not in this node's keystore"));
  }

  private void store(Address address, String json, char[] passphrase) throws KeystoreException {
    boolean first;
    try {
      DataDirectory.createPrivateDirectories(directory());
      first = defaultAddress().isEmpty();
      Path target =
          directory()
              .resolve("UTC--" + FILE_TIME.format(clock.instant()) + "--" + address.toLowerHex());
      PrivateFiles.writeAtomically(
          target,
          json.getBytes(StandardCharsets.UTF_8),
          false,
          written -> verifyWritten(written, address, passphrase));
    } catch (FileAlreadyExistsException e) {
      throw new KeystoreException(ALREADY_EXISTS, address.toString(), "already in the keystore", e);
    } catch (IOException e) {
      throw new KeystoreException(IO, directory().toString(), String.valueOf(e.getMessage()), e);
    }
    if (first) {
      writeDefault(address);
    }
  }

  /** Decrypts the file just written, as geth does, so a bad write never replaces a good key. */
  private static void verifyWritten(Path written, Address address, char[] passphrase)
      throws IOException {
    try (PrivateKey key =
        KeystoreV3.decrypt(
            Files.readString(written, StandardCharsets.UTF_8), passphrase, "new keystore file")) {
      if (!key.address().equals(address)) {
        throw new IOException("the written keystore file holds another key");
      }
    } catch (KeystoreException e) {
      throw new IOException("the written keystore file does not decrypt: " + e.getMessage(), e);
    }
  }

  private void writeDefault(Address address) throws KeystoreException {
    try {
      DataDirectory.createPrivateDirectories(dataDirectory.root());
      PrivateFiles.writeAtomically(
          dataDirectory.defaultIdentityFile(),
          (address + "\n").getBytes(StandardCharsets.UTF_8),
          true,
          written -> {});
    } catch (IOException e) {
      throw new KeystoreException(
          IO, dataDirectory.defaultIdentityFile().toString(), String.valueOf(e.getMessage()), e);
    }
  }

  private static String read(Path file) throws KeystoreException {
    String name = file.getFileName().toString();
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new KeystoreException(MALFORMED, name, "too large for a keystore file");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new KeystoreException(IO, file.toString(), "no such file", e);
    } catch (CharacterCodingException e) {
      throw new KeystoreException(MALFORMED, name, "not a text file", e);
    } catch (IOException e) {
      throw new KeystoreException(IO, file.toString(), String.valueOf(e.getMessage()), e);
    }
  }
}
