package network.mysterium.cli.daemon;

import java.time.Duration;
import java.util.concurrent.Callable;
import network.mysterium.api.ApiServer;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Stopping;
import network.mysterium.cli.UnlockOptions;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.node.NodeHost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mysterium daemon}: a headless node, consumer and provider, serving the local API until
 * SIGTERM. Its first line says where the API is; other programs (and this CLI's own commands on the
 * same data directory) drive the node through it.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true)
public final class DaemonCommand implements Callable<Integer> {
  @ParentCommand private MysteriumCommand root;
  @Mixin private ChainOptions chainOptions;
  @Mixin private UnlockOptions unlocking;

  @Option(names = "--locked", descriptionKey = "daemon-locked")
  private boolean locked;

  @Option(names = "--tcp", descriptionKey = "daemon-tcp")
  private boolean tcp;

  @Option(
      names = "--tcp-port",
      defaultValue = "0",
      paramLabel = "PORT",
      descriptionKey = "daemon-tcp-port")
  private int tcpPort;

  @Option(names = "--api-socket", paramLabel = "PATH", descriptionKey = "daemon-api-socket")
  private java.nio.file.Path apiSocket;

  @Option(
      names = "--listen",
      paramLabel = "CONTACT",
      defaultValue = "udp://0.0.0.0:0",
      descriptionKey = "consumer-listen")
  private String listen;

  @Option(
      names = "--run-for",
      paramLabel = "SECONDS",
      defaultValue = "0",
      descriptionKey = "run-for")
  private long runForSeconds;

  @Override
  public Integer call() throws Exception {
    var config = chainOptions.nodeConfig(root).withListen(Contact.parse(listen));
    // opened first, closed last: SIGTERM stops the API, then the node (sessions end, promises
    // clear)
    try (Stopping stopping = Stopping.onSignal();
        NodeHost host = NodeHost.open(config)) {
      if (!locked) {
        host.run(unlocking.unlock(root));
      }
      ApiServer.Options options = ApiServer.Options.defaults(config.dataDir());
      if (apiSocket != null) {
        options = options.withUnixSocket(apiSocket);
      }
      if (tcp) {
        options = options.withTcp(tcpPort);
      }
      try (ApiServer api = ApiServer.start(host, options)) {
        root.say("daemon.api", "unix:" + api.unixSocket());
        if (api.tcpPort().isPresent()) {
          root.say("daemon.api", "http://127.0.0.1:" + api.tcpPort().getAsInt());
          root.say("daemon.token", api.tokenFile().orElseThrow());
        }
        if (host.node().isPresent()) {
          root.say("daemon.running", host.node().get().address());
        } else {
          root.say("daemon.locked");
        }
        root.environment().out().flush();
        stopping.await(Duration.ofSeconds(runForSeconds)); // zero: until a signal
      }
      root.say("daemon.stopped");
      root.environment().out().flush();
    }
    return 0;
  }
}
