package network.mysterium.cli.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Stopping;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.cli.UserError;
import network.mysterium.node.Node;
import network.mysterium.relay.RelayServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mysterium relay}: a node with a public address relays for nodes behind NATs (whitepaper
 * 6.6): each registered identity may hold a few allocations, ports on the public address whose
 * datagrams go to it, until SIGTERM.
 */
@Command(name = "relay", mixinStandardHelpOptions = true)
public final class RelayCommand implements Callable<Integer> {
  @ParentCommand private MysteriumCommand root;
  @Mixin private ChainOptions chainOptions;
  @Mixin private UnlockOptions unlocking;

  @Option(names = "--public", required = true, paramLabel = "IP", descriptionKey = "relay-public")
  private String publicAddress;

  @Option(
      names = "--port",
      defaultValue = "7000",
      paramLabel = "PORT",
      descriptionKey = "relay-port")
  private int port;

  @Option(
      names = "--run-for",
      paramLabel = "SECONDS",
      defaultValue = "0",
      descriptionKey = "run-for")
  private long runForSeconds;

  @Override
  public Integer call() throws Exception {
    InetAddress at;
    try {
      at = InetAddress.ofLiteral(publicAddress);
    } catch (IllegalArgumentException e) {
      throw new UserError("error.relay-address", publicAddress);
    }
    try (Stopping stopping = Stopping.onSignal();
        Node node = Node.start(chainOptions.nodeConfig(root), unlocking.unlock(root));
        RelayServer relay =
            RelayServer.start(
                new InetSocketAddress(at, port),
                new InetSocketAddress(at, port),
                node.relayAdmission(),
                RelayServer.Limits.DEFAULT)) {
      root.say(
          "relay.running",
          node.address(),
          relay.address().getHostString() + ":" + relay.address().getPort());
      root.environment().out().flush();
      stopping.await(Duration.ofSeconds(runForSeconds));
      root.say("relay.stopped", Integer.toString(relay.allocations()));
      root.environment().out().flush();
    }
    return 0;
  }
}
