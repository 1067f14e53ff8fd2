package network.mysterium.cli;

import java.nio.file.Path;
import network.mysterium.cli.identity.IdentityCommand;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.identity.Keystore;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** The top-level {@code mysterium} command: options every subcommand shares. */
@Command(
    name = "mysterium",
    mixinStandardHelpOptions = true,
    versionProvider = MysteriumCommand.Version.class,
    subcommands = {IdentityCommand.class})
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

  /** The version the jar's manifest carries. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = MysteriumCommand.class.getPackage().getImplementationVersion();
      return new String[] {"mysterium " + (version == null ? "dev" : version)};
    }
  }
}
