package network.mysterium.cli.identity;

import java.util.concurrent.Callable;
import network.mysterium.i18n.Messages;
import network.mysterium.identity.Keystore;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "list", mixinStandardHelpOptions = true)
final class ListIdentities implements Callable<Integer> {
  @ParentCommand private IdentityCommand identity;

  @Override
  public Integer call() throws Exception {
    Keystore.Listing listing = identity.keystore().list();
    Messages messages = identity.environment().messages();
    for (Keystore.Problem problem : listing.problems()) {
      identity
          .environment()
          .err()
          .println(
              messages.get(
                  "identity.problem", problem.file().getFileName(), problem.error().detail()));
    }
    if (listing.identities().isEmpty()) {
      identity.say("identity.none");
    }
    for (Keystore.StoredIdentity stored : listing.identities()) {
      identity
          .environment()
          .out()
          .println(
              (stored.isDefault() ? "* " : "  ")
                  + stored.address()
                  + "  "
                  + stored.file().getFileName()
                  + (stored.isDefault() ? "  " + messages.get("identity.default-marker") : ""));
    }
    return 0;
  }
}
