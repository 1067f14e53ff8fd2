package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.mysterium.i18n.Messages;
import network.mysterium.identity.KeystoreException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityCliTest {
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  @TempDir Path temp;
  private CliHarness cli;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(temp.resolve("node"));
  }

  private static String firstAddress(String text) {
    Matcher matcher = ADDRESS.matcher(text);
    assertThat(matcher.find()).as("an address in: %s", text).isTrue();
    return matcher.group();
  }

  /** A failure is one line on stderr: no stack trace, no exception class. */
  private static void assertOneLineError(CliHarness.Run run, String text) {
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("Error: ").contains(text);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void newThenListShowsTheIdentityAsDefault() {
    cli.terminalAnswers.add("s3cret words");
    cli.terminalAnswers.add("s3cret words");
    CliHarness.Run created = cli.run("identity", "new");
    assertThat(created.exitCode()).isZero();
    assertThat(cli.prompts).containsExactly("New passphrase: ", "Repeat the passphrase: ");
    String address = firstAddress(created.out());
    assertThat(created.out()).contains("It is the default identity.");

    CliHarness.Run listed = cli.run("identity", "list");
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out()).contains("* " + address).contains("(default)");
  }

  @Test
  void mismatchedPassphrasesCreateNothing() {
    cli.terminalAnswers.add("one");
    cli.terminalAnswers.add("two");
    assertOneLineError(cli.run("identity", "new"), "the two passphrases differ");
    assertThat(cli.run("identity", "list").out()).contains("No identities yet");
  }

  @Test
  void wrongPassphraseIsOneClearLineAndExitCodeOne() {
    cli.variables.put("MYSTERIUM_PASSPHRASE", "right one");
    String address = firstAddress(cli.run("identity", "new").out());
    cli.variables.put("MYSTERIUM_PASSPHRASE", "wrong one");
    assertOneLineError(
        cli.run("identity", "sign-message", "hello"), "wrong passphrase for " + address);
  }

  @Test
  void passphraseFromFileFromANamedVariableAndNeverFromArgv() throws Exception {
    Path file = temp.resolve("pass.txt");
    Files.writeString(file, "from a file\n");
    String address =
        firstAddress(cli.run("identity", "new", "--passphrase-file", file.toString()).out());
    cli.variables.put("MY_VAR", "from a file");
    CliHarness.Run signed =
        cli.run("identity", "sign-message", "--passphrase-env", "MY_VAR", "hello");
    assertThat(signed.exitCode()).isZero();
    assertThat(
            cli.run("identity", "verify-message", "--signature", signed.out().strip(), "hello")
                .out())
        .contains("Signed by " + address);
    CliHarness.Run onArgv = cli.run("identity", "sign-message", "--passphrase", "x", "hello");
    assertThat(onArgv.exitCode()).isEqualTo(2);
    assertThat(onArgv.err()).contains("Unknown option").contains("'--passphrase'");
  }

  @Test
  void noTerminalAndNoPassphraseSourceSaysWhatToDo() {
    cli.hasTerminal = false;
    assertOneLineError(
        cli.run("identity", "new"), "--passphrase-file FILE or set MYSTERIUM_PASSPHRASE");
  }

  @Test
  void exportImportElsewhereKeepsTheAddressAndTheFileIsPrivate() throws Exception {
    cli.variables.put("MYSTERIUM_PASSPHRASE", "moving house");
    String address = firstAddress(cli.run("identity", "new").out());
    Path exported = temp.resolve("exported.json");
    CliHarness.Run export = cli.run("identity", "export", address, "--out", exported.toString());
    assertThat(export.exitCode()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(exported)))
        .isEqualTo("rw-------");
    assertOneLineError(
        cli.run("identity", "export", address, "--out", exported.toString()), "already exists");

    CliHarness other = new CliHarness(temp.resolve("other"));
    other.variables.put("MYSTERIUM_PASSPHRASE", "moving house");
    CliHarness.Run imported = other.run("identity", "import", exported.toString());
    assertThat(imported.exitCode()).isZero();
    assertThat(imported.out()).contains("Imported identity " + address);
    assertThat(other.run("identity", "list").out()).contains(address);
  }

  @Test
  void corruptedKeystoreFileIsNamedAndTheOthersStillLoad() throws Exception {
    cli.variables.put("MYSTERIUM_PASSPHRASE", "pw");
    String address = firstAddress(cli.run("identity", "new").out());
    Files.writeString(
        cli.dataDir.resolve("keystore").resolve("UTC--truncated"), "{\"version\": 3, \"cry");
    CliHarness.Run listed = cli.run("identity", "list");
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out()).contains(address);
    assertThat(listed.err()).contains("Cannot read keystore file UTC--truncated: not valid JSON");
  }

  @Test
  void signAndVerifyMessagesAndTypedData() throws Exception {
    cli.variables.put("MYSTERIUM_PASSPHRASE", "pw");
    String address = firstAddress(cli.run("identity", "new").out());
    String signature = cli.run("identity", "sign-message", "pay 5 MYST").out().strip();
    assertThat(signature).matches("0x[0-9a-f]{130}");

    CliHarness.Run valid =
        cli.run(
            "identity",
            "verify-message",
            "--address",
            address,
            "--signature",
            signature,
            "pay 5 MYST");
    assertThat(valid.exitCode()).isZero();
    assertThat(valid.out()).contains("Valid: signed by " + address);

    CliHarness.Run tampered =
        cli.run(
            "identity",
            "verify-message",
            "--address",
            address,
            "--signature",
            signature,
            "pay 50 MYST");
    assertThat(tampered.exitCode()).isEqualTo(1);
    assertThat(tampered.out()).contains("Invalid: signed by").contains("not by " + address);

    Path typed = temp.resolve("mail.json");
    try (var in = IdentityCliTest.class.getResourceAsStream("/eip712-mail.json")) {
      Files.write(typed, in.readAllBytes());
    }
    String typedSignature =
        cli.run("identity", "sign-message", "--typed-data", typed.toString()).out().strip();
    assertThat(
            cli.run(
                    "identity",
                    "verify-message",
                    "--address",
                    address,
                    "--signature",
                    typedSignature,
                    "--typed-data",
                    typed.toString())
                .exitCode())
        .isZero();
  }

  @Test
  void malformedSignatureAndAddressAreClearErrors() {
    assertOneLineError(
        cli.run("identity", "verify-message", "--signature", "0x1234", "hello"), "65 bytes");
    assertOneLineError(
        cli.run(
            "identity",
            "verify-message",
            "--address",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            "--signature",
            "0x" + "11".repeat(65),
            "hello"),
        "checksum");
  }

  @Test
  void importOfAMissingFileAndOfAnUnknownIdentityAreClearErrors() {
    cli.variables.put("MYSTERIUM_PASSPHRASE", "pw");
    assertOneLineError(
        cli.run("identity", "import", temp.resolve("nope.json").toString()), "no such file");
    cli.run("identity", "new");
    assertOneLineError(
        cli.run("identity", "export", "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"),
        "no identity 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  }

  @Test
  void everyKeystoreFailureHasATranslatedMessage() {
    Messages messages = Messages.forLocale(java.util.Locale.ENGLISH);
    for (KeystoreException.Reason reason : KeystoreException.Reason.values()) {
      assertThat(messages.has("error." + reason.name())).as(reason.name()).isTrue();
    }
  }

  @Test
  void helpTextComesFromTheBundle() {
    CliHarness.Run help = cli.run("identity", "new", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Create a new identity").contains("--passphrase-file");
    assertThat(help.out()).contains("Read the passphrase from the first line of this file.");
  }
}
