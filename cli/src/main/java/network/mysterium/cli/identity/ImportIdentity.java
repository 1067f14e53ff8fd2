package network.mysterium.cli.identity;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import network.mysterium.cli.PassphraseOptions;
import network.mysterium.crypto.Address;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "import", mixinStandardHelpOptions = true)
final class ImportIdentity implements Callable<Integer> {
  @ParentCommand private IdentityCommand identity;
  @Mixin private PassphraseOptions passphrase;

  @Parameters(paramLabel = "FILE", descriptionKey = "mysterium.identity.import.FILE")
  private Path file;

  @Override
  public Integer call() throws Exception {
    char[] secret =
        passphrase.read(
            identity.environment(),
            identity.environment().messages().get("passphrase.prompt-import", file.getFileName()));
    Address address;
    try {
      address = identity.keystore().importFile(file, secret);
    } finally {
      Arrays.fill(secret, '\0');
    }
    identity.say("identity.imported", address);
    return 0;
  }
}
