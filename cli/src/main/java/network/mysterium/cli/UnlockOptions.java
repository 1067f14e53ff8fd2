package network.mysterium.cli;

import java.util.Optional;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.identity.KeystoreException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which identity a command acts as (--address, default: the default one) and its passphrase. */
public final class UnlockOptions {
  @Option(names = "--address", paramLabel = "ADDRESS", descriptionKey = "address")
  private String address;

  @Mixin private PassphraseOptions passphrase;

  public PrivateKey unlock(MysteriumCommand root) throws KeystoreException {
    return root.unlock(Optional.ofNullable(address), passphrase);
  }
}
