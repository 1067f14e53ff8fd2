package network.mysterium.cli.identity;

import java.util.concurrent.Callable;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.crypto.PrivateKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** Prints the 65-byte signature as hex, as {@code personal_sign} and {@code cast} do. */
@Command(name = "sign-message", mixinStandardHelpOptions = true)
final class SignMessage implements Callable<Integer> {
  @ParentCommand private IdentityCommand identity;
  @Mixin private UnlockOptions unlocking;
  @Mixin private SignedContent content;

  @Override
  public Integer call() throws Exception {
    byte[] hash = content.hash();
    try (PrivateKey key = unlocking.unlock(identity.root())) {
      identity.environment().out().println(key.sign(hash).toHex());
    }
    return 0;
  }
}
