package network.mysterium.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.identity.Keystore;
import network.mysterium.identity.KeystoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/**
 * The top-level {@code mysterium} command: options every subcommand shares. {@link Cli} attaches
 * the subcommands, so this class depends on none of them.
 */
@Command(
    name = "mysterium",
    mixinStandardHelpOptions = true,
    versionProvider = MysteriumCommand.Version.class)
public final class MysteriumCommand {
  private final CliEnvironment environment;

  @Option(names = "--data-dir", paramLabel = "DIR", descriptionKey = "mysterium.data-dir")
  private Path dataDir;

  public MysteriumCommand(CliEnvironment environment) {
    this.environment = environment;
    this.dataDir = environment.defaultDataDirectory().root(); // shown as the default in --help
  }

  public CliEnvironment environment() {
    return environment;
  }

  public DataDirectory dataDirectory() {
    return new DataDirectory(dataDir);
  }

  public Keystore keystore() {
    return new Keystore(
        dataDirectory(), environment.kdf(), environment.random(), environment.clock());
  }

  /** Unlocks the named identity, or the default one, asking its passphrase where configured. */
  public PrivateKey unlock(Optional<String> address, PassphraseOptions passphrase)
      throws KeystoreException {
    Keystore keystore = keystore();
    Address identity = keystore.resolve(address.map(Address::parse)).address();
    char[] secret =
        passphrase.read(environment, environment.messages().get("passphrase.prompt", identity));
    try {
      return keystore.unlock(identity, secret);
    } finally {
      Arrays.fill(secret, '\0');
    }
  }

  /** Prints one line of the bundle's text to standard output. */
  public void say(String key, Object... args) {
    environment.out().println(environment.messages().get(key, args));
  }

  /** The version the jar's manifest carries. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = MysteriumCommand.class.getPackage().getImplementationVersion();
      return new String[] {"mysterium " + (version == null ? "dev" : version)};
    }
  }
}
