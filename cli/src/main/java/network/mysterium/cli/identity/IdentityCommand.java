package network.mysterium.cli.identity;

import network.mysterium.cli.CliEnvironment;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.identity.Keystore;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code mysterium identity ...}: the node's identities (whitepaper 6.3). */
@Command(
    name = "identity",
    mixinStandardHelpOptions = true,
    subcommands = {
      NewIdentity.class,
      ListIdentities.class,
      ImportIdentity.class,
      ExportIdentity.class,
      DefaultIdentity.class,
      SignMessage.class,
      RegisterIdentity.class,
      VerifyMessage.class
    })
public final class IdentityCommand {
  @ParentCommand private MysteriumCommand root;

  MysteriumCommand root() {
    return root;
  }

  CliEnvironment environment() {
    return root.environment();
  }

  Keystore keystore() {
    return root.keystore();
  }

  void say(String key, Object... args) {
    environment().out().println(environment().messages().get(key, args));
  }
}
