package network.mysterium.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PersonalMessage;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.Signature;
import network.mysterium.crypto.TypedData;
import network.mysterium.datadir.DataDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keystores and signatures exchanged with Foundry's cast, both ways. */
class CastInteropTest {
  private static final String PASSWORD = "interop pässword";
  private static final Pattern CAST_ADDRESS = Pattern.compile("Address:\\s+(0x[0-9a-fA-F]{40})");
  private static Cast cast;
  @TempDir Path temp;

  @BeforeAll
  static void locateCast() {
    cast = Cast.locate();
  }

  private Keystore keystore() {
    return new Keystore(
        new DataDirectory(temp.resolve("node")),
        KdfParams.LIGHT,
        new SecureRandom(),
        Clock.systemUTC());
  }

  @Test
  void keystoreMadeByCastImportsWithTheSameAddress() throws Exception {
    Path castDir = Files.createDirectory(temp.resolve("cast"));
    String created = cast.ok("wallet", "new", castDir.toString(), "--unsafe-password", PASSWORD);
    Matcher matcher = CAST_ADDRESS.matcher(created);
    assertThat(matcher.find()).as("cast printed an address: %s", created).isTrue();
    Address castAddress = Address.parse(matcher.group(1));
    Path castFile;
    try (var files = Files.list(castDir)) {
      castFile = files.findFirst().orElseThrow();
    }

    Keystore keystore = keystore();
    assertThat(keystore.importFile(castFile, PASSWORD.toCharArray())).isEqualTo(castAddress);
    assertThat(keystore.list().find(castAddress)).isPresent();

    // A message cast signs with its file recovers to the identity we imported.
    byte[] message = "from cast".getBytes(StandardCharsets.UTF_8);
    Signature castSignature =
        Signature.parseHex(
            cast.ok(
                "wallet",
                "sign",
                "--keystore",
                castFile.toString(),
                "--password",
                PASSWORD,
                "from cast"));
    assertThat(PersonalMessage.recover(message, castSignature)).isEqualTo(castAddress);
  }

  @Test
  void keystoreWeExportOpensInCastAtTheSameAddress() throws Exception {
    Keystore keystore = keystore();
    Address address = keystore.create(PASSWORD.toCharArray());
    Path exported = temp.resolve("exported.json");
    Files.writeString(exported, keystore.export(address));
    assertThat(
            cast.ok("wallet", "address", "--keystore", exported.toString(), "--password", PASSWORD))
        .isEqualTo(address.toString());
  }

  @Test
  void personalSignaturesMatchCastsBothWays() throws Exception {
    try (PrivateKey key = PrivateKey.generate(new SecureRandom())) {
      String message = "Mysterium: sign me ✓";
      Signature ours = PersonalMessage.sign(key, message.getBytes(StandardCharsets.UTF_8));
      String theirs = cast.ok("wallet", "sign", "--private-key", hex(key), message);
      assertThat(theirs).isEqualTo(ours.toHex());
      // cast's verify exits 0 either way (1.7.1); its words tell.
      assertThat(
              cast.run(
                      "wallet",
                      "verify",
                      "--address",
                      key.address().toString(),
                      message,
                      ours.toHex())
                  .out())
          .contains("Validation succeeded");
      // cast refuses our signature for another message: its check is real.
      assertThat(
              cast.run(
                      "wallet",
                      "verify",
                      "--address",
                      key.address().toString(),
                      message + "!",
                      ours.toHex())
                  .err())
          .contains("Validation failed");
    }
  }

  @Test
  void typedDataSignaturesMatchCasts() throws Exception {
    Path mailFile = temp.resolve("mail.json");
    String mailJson;
    try (var in = CastInteropTest.class.getResourceAsStream("/eip712-mail.json")) {
      mailJson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Files.writeString(mailFile, mailJson);
    try (PrivateKey key = PrivateKey.generate(new SecureRandom())) {
      Signature ours = TypedData.fromJson(mailJson).sign(key);
      String theirs =
          cast.ok(
              "wallet",
              "sign",
              "--private-key",
              hex(key),
              "--data",
              "--from-file",
              mailFile.toString());
      assertThat(theirs).isEqualTo(ours.toHex());
    }
  }

  private static String hex(PrivateKey key) {
    return network.mysterium.crypto.Hex.encodePrefixed(key.toBytes());
  }
}
