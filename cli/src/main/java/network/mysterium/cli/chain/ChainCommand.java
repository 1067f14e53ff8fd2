package network.mysterium.cli.chain;

import java.util.concurrent.Callable;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import org.web3j.crypto.Credentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mysterium chain ...}: the contracts of a network. */
@Command(name = "chain", mixinStandardHelpOptions = true, subcommands = ChainCommand.Deploy.class)
public final class ChainCommand {
  @ParentCommand private MysteriumCommand root;

  /** Deploys the four contracts with an identity of this node as deployer and owner. */
  @Command(name = "deploy", mixinStandardHelpOptions = true)
  static final class Deploy implements Callable<Integer> {

    @ParentCommand private ChainCommand chain;
    @Mixin private ChainOptions chainOptions;
    @Mixin private UnlockOptions unlocking;

    @Option(
        names = "--supply",
        paramLabel = "MYST",
        defaultValue = "1000000000",
        descriptionKey = "supply")
    private String supply;

    @Option(names = "--stake", paramLabel = "MYST", defaultValue = "10", descriptionKey = "stake")
    private String stake;

    @Option(names = "--fee-bps", paramLabel = "N", defaultValue = "100", descriptionKey = "fee-bps")
    private int feeBasisPoints;

    @Option(names = "--fee-account", paramLabel = "ADDRESS", descriptionKey = "fee-account")
    private String feeAccount;

    @Override
    public Integer call() throws Exception {
      MysteriumCommand root = chain.root;
      try (PrivateKey deployer = unlocking.unlock(root);
          EthereumClient client = EthereumClient.connect(chainOptions.rpc())) {
        String owner = deployer.address().toString();
        ChainOptions.fundGasOnDevChain(client, owner, root);
        Credentials credentials = ChainAccounts.credentials(deployer);
        Deployment deployment =
            Deployer.deploy(
                client,
                credentials,
                new Deployer.Parameters(
                    Myst.parse(supply).baseUnits(),
                    Myst.parse(stake).baseUnits(),
                    feeAccount == null
                        ? owner
                        : network.mysterium.crypto.Address.parse(feeAccount).toString(),
                    feeBasisPoints));
        // Addresses first: if the file cannot be written, the user still has them.
        root.say("chain.contract", "MystToken", deployment.token());
        root.say("chain.contract", "IdentityRegistry", deployment.identityRegistry());
        root.say("chain.contract", "ServiceRegistry", deployment.serviceRegistry());
        root.say("chain.contract", "Payments", deployment.payments());
        root.say("chain.contract", "startBlock", Long.toString(deployment.startBlock()));
        deployment.write(chainOptions.deploymentFile(root));
        root.say(
            "chain.deployed", Long.toString(client.chainId()), chainOptions.deploymentFile(root));
      }
      return 0;
    }
  }
}
