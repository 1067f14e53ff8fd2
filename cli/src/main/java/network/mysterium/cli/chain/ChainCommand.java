package network.mysterium.cli.chain;

import java.util.concurrent.Callable;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.node.NodeChain;
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
      try (PrivateKey deployer = unlocking.unlock(root)) {
        Address owner = deployer.address();
        NodeChain.Contracts deployed =
            NodeChain.deploy(
                chainOptions.rpc(),
                deployer,
                new NodeChain.Parameters(
                    Myst.parse(supply),
                    Myst.parse(stake),
                    feeAccount == null ? owner : Address.parse(feeAccount),
                    feeBasisPoints),
                chainOptions.deploymentFile(root));
        if (deployed.fundedGas()) {
          root.say("chain.funded", owner);
        }
        deployed.addresses().forEach((name, address) -> root.say("chain.contract", name, address));
        root.say("chain.contract", "startBlock", Long.toString(deployed.startBlock()));
        root.say(
            "chain.deployed", Long.toString(deployed.chainId()), chainOptions.deploymentFile(root));
      }
      return 0;
    }
  }
}
