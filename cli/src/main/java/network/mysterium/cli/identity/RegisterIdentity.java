package network.mysterium.cli.identity;

import java.util.concurrent.Callable;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.node.NodeChain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** Registers the identity on-chain for the registry's stake (whitepaper 6.3). */
@Command(name = "register", mixinStandardHelpOptions = true)
final class RegisterIdentity implements Callable<Integer> {
  @ParentCommand private IdentityCommand identity;
  @Mixin private ChainOptions chainOptions;
  @Mixin private UnlockOptions unlocking;

  @Override
  public Integer call() throws Exception {
    MysteriumCommand root = identity.root();
    try (NodeChain chain = chainOptions.connect(root);
        PrivateKey key = unlocking.unlock(root)) {
      ChainOptions.fundGasOnDevChain(chain, key.address(), root);
      root.say("identity.registered", key.address(), chain.register(key));
    }
    return 0;
  }
}
