package network.mysterium.cli.identity;

import java.util.concurrent.Callable;
import network.mysterium.crypto.Address;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "default", mixinStandardHelpOptions = true)
final class DefaultIdentity implements Callable<Integer> {
  @ParentCommand private IdentityCommand identity;

  @Parameters(paramLabel = "ADDRESS", descriptionKey = "address")
  private String address;

  @Override
  public Integer call() throws Exception {
    Address chosen = Address.parse(address);
    identity.keystore().setDefault(chosen);
    identity.say("identity.default-set", chosen);
    return 0;
  }
}
