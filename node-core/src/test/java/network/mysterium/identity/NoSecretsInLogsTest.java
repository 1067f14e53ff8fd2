package network.mysterium.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Every keystore operation, logged at the most verbose level, leaves no passphrase or key. */
class NoSecretsInLogsTest {
  private static final String PASSPHRASE = "Tr0ub4dor&3-unique-marker";
  @TempDir Path temp;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger root;
  private Level previous;

  @BeforeEach
  void capture() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previous = root.getLevel();
    root.setLevel(Level.TRACE);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void release() {
    root.detachAppender(appender);
    root.setLevel(previous);
  }

  @Test
  void createImportExportUnlockAndFailuresLogNoSecret() throws Exception {
    Keystore keystore =
        new Keystore(
            new DataDirectory(temp.resolve("a")),
            KdfParams.LIGHT,
            new SecureRandom(),
            Clock.systemUTC());
    Address address = keystore.create(PASSPHRASE.toCharArray());
    String keyHex;
    try (PrivateKey key = keystore.unlock(address, PASSPHRASE.toCharArray())) {
      keyHex = Hex.encode(key.toBytes());
    }
    Path exported = temp.resolve("exported.json");
    Files.writeString(exported, keystore.export(address));
    Keystore other =
        new Keystore(
            new DataDirectory(temp.resolve("b")),
            KdfParams.LIGHT,
            new SecureRandom(),
            Clock.systemUTC());
    other.importFile(exported, PASSPHRASE.toCharArray());
    // logged or not, the failure must not carry the secret
    assertThatThrownBy(() -> other.unlock(address, (PASSPHRASE + "x").toCharArray()))
        .isInstanceOf(KeystoreException.class)
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain(PASSPHRASE).doesNotContain(keyHex));
    Files.writeString(keystore.directory().resolve("UTC--bad"), "{");
    keystore.list();

    assertThat(appender.list).isNotEmpty();
    for (ILoggingEvent event : appender.list) {
      String text = event.getFormattedMessage() + String.valueOf(event.getThrowableProxy());
      assertThat(text).doesNotContain(PASSPHRASE).doesNotContainIgnoringCase(keyHex);
    }
  }
}
