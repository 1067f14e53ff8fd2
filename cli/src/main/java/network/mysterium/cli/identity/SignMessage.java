package network.mysterium.cli.identity;

import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.cli.PassphraseOptions;
import network.mysterium.crypto.PrivateKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Prints the 65-byte signature as hex, as {@code personal_sign} and {@code cast} do. */
@Command(name = "sign-message", mixinStandardHelpOptions = true)
final class SignMessage implements Callable<Integer> {
  @ParentCommand private IdentityCommand identity;
  @Mixin private PassphraseOptions passphrase;
  @Mixin private SignedContent content;

  @Option(names = "--address", paramLabel = "ADDRESS", descriptionKey = "address")
  private String address;

  @Override
  public Integer call() throws Exception {
    byte[] hash = content.hash();
    try (PrivateKey key = identity.root().unlock(Optional.ofNullable(address), passphrase)) {
      identity.environment().out().println(key.sign(hash).toHex());
    }
    return 0;
  }
}
