package network.mysterium.cli.identity;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.cli.PassphraseOptions;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.identity.Keystore;
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
    Keystore keystore = identity.keystore();
    Address signer = keystore.resolve(Optional.ofNullable(address).map(Address::parse)).address();
    char[] secret =
        passphrase.read(
            identity.environment(),
            identity.environment().messages().get("passphrase.prompt", signer));
    try (PrivateKey key = keystore.unlock(signer, secret)) {
      identity.environment().out().println(key.sign(hash).toHex());
    } finally {
      Arrays.fill(secret, '\0');
    }
    return 0;
  }
}
