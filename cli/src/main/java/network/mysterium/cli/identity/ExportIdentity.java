package network.mysterium.cli.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.cli.UserError;
import network.mysterium.crypto.Address;
import network.mysterium.datadir.PrivateFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Writes the encrypted keystore file only: the key never leaves unencrypted. */
@Command(name = "export", mixinStandardHelpOptions = true)
final class ExportIdentity implements Callable<Integer> {
  @ParentCommand private IdentityCommand identity;

  @Parameters(paramLabel = "ADDRESS", arity = "0..1", descriptionKey = "address")
  private String address;

  @Option(names = "--out", paramLabel = "FILE", descriptionKey = "mysterium.identity.export.out")
  private Path out;

  @Override
  public Integer call() throws Exception {
    Address chosen =
        identity.keystore().resolve(Optional.ofNullable(address).map(Address::parse)).address();
    String json = identity.keystore().export(chosen);
    if (out == null) {
      identity.environment().out().println(json);
      return 0;
    }
    try {
      PrivateFiles.writeAtomically(out, json.getBytes(StandardCharsets.UTF_8), false, f -> {});
    } catch (FileAlreadyExistsException e) {
      throw new UserError("error.file-exists", out);
    } catch (IOException e) {
      throw new UserError("error.IO", out, e.getMessage());
    }
    identity.say("identity.exported", chosen, out);
    return 0;
  }
}
