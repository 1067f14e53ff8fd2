package network.mysterium.cli.identity;

import java.util.concurrent.Callable;
import network.mysterium.chain.ChainWallet;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.crypto.PrivateKey;
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
    Deployment deployment = chainOptions.deployment(root);
    try (EthereumClient client = chainOptions.connect(deployment);
        PrivateKey key = unlocking.unlock(root)) {
      ChainOptions.fundGasOnDevChain(client, key.address().toString(), root);
      var receipt = new ChainWallet(client, deployment).register(key);
      root.say("identity.registered", key.address(), receipt.getTransactionHash());
    }
    return 0;
  }
}
