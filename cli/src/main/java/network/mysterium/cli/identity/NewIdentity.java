package network.mysterium.cli.identity;

import java.util.Arrays;
import java.util.concurrent.Callable;
import network.mysterium.cli.PassphraseOptions;
import network.mysterium.crypto.Address;
import network.mysterium.identity.Keystore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "new", mixinStandardHelpOptions = true)
final class NewIdentity implements Callable<Integer> {
  @ParentCommand private IdentityCommand identity;
  @Mixin private PassphraseOptions passphrase;

  @Override
  public Integer call() throws Exception {
    Keystore keystore = identity.keystore();
    char[] secret = passphrase.readNew(identity.environment());
    Address address;
    try {
      address = keystore.create(secret);
    } finally {
      Arrays.fill(secret, '\0');
    }
    Keystore.StoredIdentity stored = keystore.list().find(address).orElseThrow();
    identity.say("identity.created", address);
    identity.say("identity.file", stored.file());
    if (stored.isDefault()) {
      identity.say("identity.is-default");
    }
    return 0;
  }
}
