package network.mysterium.cli.session;

import java.util.concurrent.Callable;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.service.tunnel.HostNetwork;
import network.mysterium.service.tunnel.WireGuardClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mysterium disconnect}: after a {@code connect --type wireguard} that did not stop cleanly
 * (killed, crashed, power lost), the kill switch still blocks all traffic, on purpose; this removes
 * it (a running {@code connect} disconnects with Ctrl-C instead).
 */
@Command(name = "disconnect", mixinStandardHelpOptions = true)
public final class DisconnectCommand implements Callable<Integer> {
  @ParentCommand private MysteriumCommand root;

  @Option(
      names = "--interface",
      paramLabel = "NAME",
      defaultValue = "myst0",
      descriptionKey = "tunnel-interface")
  private String tunnelInterface;

  @Override
  public Integer call() {
    boolean removed = WireGuardClient.removeLeftovers(new HostNetwork(), tunnelInterface);
    root.say(removed ? "disconnect.removed" : "disconnect.nothing", tunnelInterface);
    return 0;
  }
}
