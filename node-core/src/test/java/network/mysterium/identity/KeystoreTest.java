package network.mysterium.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PersonalMessage;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.identity.KeystoreException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreTest {
  private static final char[] PASS = "correct horse".toCharArray();
  @TempDir Path temp;

  private Keystore keystore(String name) {
    return new Keystore(
        new DataDirectory(temp.resolve(name)),
        KdfParams.LIGHT,
        new SecureRandom(),
        Clock.systemUTC());
  }

  @Test
  void newIdentityIsListedAndBecomesTheDefault() throws Exception {
    Keystore keystore = keystore("node");
    Address address = keystore.create(PASS);
    Keystore.Listing listing = keystore.list();
    assertThat(listing.identities()).hasSize(1);
    assertThat(listing.identities().getFirst().address()).isEqualTo(address);
    assertThat(listing.identities().getFirst().isDefault()).isTrue();
    assertThat(listing.problems()).isEmpty();
    assertThat(keystore.resolve(Optional.empty()).address()).isEqualTo(address);

    Address second = keystore.create(PASS);
    assertThat(keystore.list().identities()).hasSize(2);
    assertThat(keystore.defaultAddress()).contains(address);
    keystore.setDefault(second);
    assertThat(keystore.resolve(Optional.empty()).address()).isEqualTo(second);
  }

  @Test
  void keyFilesAndFoldersAreOwnerOnly() throws Exception {
    Keystore keystore = keystore("node");
    keystore.create(PASS);
    Path file = keystore.list().identities().getFirst().file();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore.directory())))
        .isEqualTo("rwx------");
    assertThat(file.getFileName().toString()).matches("UTC--.*--[0-9a-f]{40}");
    try (var files = Files.list(keystore.directory())) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp"));
    }
  }

  @Test
  void exportThenImportElsewhereGivesTheSameIdentityThatSignsTheSame() throws Exception {
    Keystore first = keystore("first");
    Address address = first.create(PASS);
    Path exported = temp.resolve("exported.json");
    Files.writeString(exported, first.export(address));

    Keystore second = keystore("second");
    assertThat(second.importFile(exported, PASS)).isEqualTo(address);
    assertThat(second.list().identities())
        .extracting(Keystore.StoredIdentity::address)
        .containsExactly(address);
    byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
    try (PrivateKey a = first.unlock(address, PASS);
        PrivateKey b = second.unlock(address, PASS)) {
      assertThat(PersonalMessage.sign(a, message)).isEqualTo(PersonalMessage.sign(b, message));
    }
  }

  @Test
  void importingTheSameIdentityTwiceIsRefused() throws Exception {
    Keystore keystore = keystore("node");
    Address address = keystore.create(PASS);
    Path exported = temp.resolve("exported.json");
    Files.writeString(exported, keystore.export(address));
    assertThatThrownBy(() -> keystore.importFile(exported, PASS))
        .extracting(e -> ((KeystoreException) e).reason())
        .isEqualTo(Reason.ALREADY_EXISTS);
    assertThat(keystore.list().identities()).hasSize(1);
  }

  @Test
  void importWithTheWrongPassphraseLeavesNothingBehind() throws Exception {
    Path file = temp.resolve("pbkdf2.json");
    Files.writeString(file, KeystoreV3Test.resource("spec-pbkdf2.json"));
    Keystore keystore = keystore("node");
    assertThatThrownBy(() -> keystore.importFile(file, "nope".toCharArray()))
        .extracting(e -> ((KeystoreException) e).reason())
        .isEqualTo(Reason.WRONG_PASSPHRASE);
    assertThat(keystore.list().identities()).isEmpty();
  }

  @Test
  void pbkdf2KeystoreWithoutAddressFieldImportsAndIsListed() throws Exception {
    Path file = temp.resolve("pbkdf2.json");
    Files.writeString(file, KeystoreV3Test.resource("spec-pbkdf2.json"));
    Keystore keystore = keystore("node");
    Address address = keystore.importFile(file, "testpassword".toCharArray());
    assertThat(address).isEqualTo(Address.parse("0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b"));
    assertThat(keystore.list().find(address)).isPresent();
  }

  @Test
  void anImportedKeyIsEncryptedAgainUnderTheKeystoresKdfNotTheFilesWeakOne() throws Exception {
    // the Web3 Secret Storage spec's PBKDF2 vector: a KDF this keystore never uses
    Path file = temp.resolve("pbkdf2.json");
    Files.writeString(file, KeystoreV3Test.resource("spec-pbkdf2.json"));
    Keystore keystore = keystore("node");
    Address address = keystore.importFile(file, "testpassword".toCharArray());
    String stored = keystore.export(address);
    assertThat(stored).doesNotContain("pbkdf2");
    assertThat(stored.replaceAll("\\s", ""))
        .contains("\"kdf\":\"scrypt\"")
        .contains("\"n\":" + KdfParams.LIGHT.n() + ",");
    assertThat(keystore.list().find(address)).isPresent();
    try (PrivateKey key = keystore.unlock(address, "testpassword".toCharArray())) {
      assertThat(key.address()).isEqualTo(address);
    }
  }

  @Test
  void corruptedFileIsReportedByNameAndTheOthersStillLoad() throws Exception {
    Keystore keystore = keystore("node");
    Address good = keystore.create(PASS);
    Path bad = keystore.directory().resolve("UTC--broken--0000");
    String json = keystore.export(good);
    Files.writeString(bad, json.substring(0, json.length() - 40));

    Keystore.Listing listing = keystore.list();
    assertThat(listing.identities())
        .extracting(Keystore.StoredIdentity::address)
        .containsExactly(good);
    assertThat(listing.problems()).hasSize(1);
    assertThat(listing.problems().getFirst().file()).isEqualTo(bad);
    assertThat(listing.problems().getFirst().error().getMessage()).startsWith("UTC--broken--0000:");
    try (PrivateKey key = keystore.unlock(good, PASS)) {
      assertThat(key.address()).isEqualTo(good);
    }
  }

  @Test
  void unknownIdentityAndEmptyKeystoreSayWhatToDo() throws Exception {
    Keystore keystore = keystore("node");
    assertThatThrownBy(() -> keystore.resolve(Optional.empty()))
        .hasMessageContaining("no identity yet")
        .extracting(e -> ((KeystoreException) e).reason())
        .isEqualTo(Reason.NO_IDENTITY);
    keystore.create(PASS);
    Address stranger = Address.parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
    assertThatThrownBy(() -> keystore.unlock(stranger, PASS))
        .extracting(e -> ((KeystoreException) e).reason())
        .isEqualTo(Reason.UNKNOWN_IDENTITY);
  }

  @Test
  void wrongPassphraseOnUnlockIsRefused() throws Exception {
    Keystore keystore = keystore("node");
    Address address = keystore.create(PASS);
    assertThatThrownBy(() -> keystore.unlock(address, "wrong".toCharArray()))
        .extracting(e -> ((KeystoreException) e).reason())
        .isEqualTo(Reason.WRONG_PASSPHRASE);
  }
}
