package network.mysterium.cli;

import network.mysterium.cli.chain.ChainCommand;
import network.mysterium.cli.chain.WalletCommand;
import network.mysterium.cli.daemon.DaemonCommand;
import network.mysterium.cli.daemon.DaemonError;
import network.mysterium.cli.daemon.StatusCommand;
import network.mysterium.cli.discovery.ProviderCommand;
import network.mysterium.cli.discovery.SearchCommand;
import network.mysterium.cli.identity.IdentityCommand;
import network.mysterium.cli.node.NodeCommand;
import network.mysterium.cli.session.ConnectCommand;
import network.mysterium.cli.session.DemoCommand;
import network.mysterium.cli.session.DisconnectCommand;
import network.mysterium.cli.session.ProviderRunCommand;
import network.mysterium.cli.tunnel.WireGuardDeviceCommand;
import network.mysterium.crypto.InvalidSignatureException;
import network.mysterium.i18n.Messages;
import network.mysterium.identity.KeystoreException;
import network.mysterium.node.NodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Runs one CLI invocation: parses, executes, and turns every failure into one clear line. */
public final class Cli {
  private static final Logger LOG = LoggerFactory.getLogger(Cli.class);

  private Cli() {}

  /** Exit codes: 0 success, 1 a failure the user can act on, 2 a usage error. */
  public static int run(CliEnvironment environment, String... args) {
    Messages messages = environment.messages();
    CommandLine commandLine =
        new CommandLine(new MysteriumCommand(environment))
            .addSubcommand(IdentityCommand.class)
            .addSubcommand(ChainCommand.class)
            .addSubcommand(WalletCommand.class)
            .addSubcommand(NodeCommand.class)
            .addSubcommand(DaemonCommand.class)
            .addSubcommand(network.mysterium.cli.relay.RelayCommand.class)
            .addSubcommand(StatusCommand.class)
            .addSubcommand(ProviderCommand.class)
            .addSubcommand(SearchCommand.class)
            .addSubcommand(ConnectCommand.class)
            .addSubcommand(DisconnectCommand.class)
            .addSubcommand(DemoCommand.class)
            .addSubcommand(WireGuardDeviceCommand.class)
            .setResourceBundle(messages.bundle())
            .setOut(environment.out())
            .setErr(environment.err())
            .setExecutionExceptionHandler(
                (failure, cl, parsed) -> {
                  environment
                      .err()
                      .println(messages.get("error.prefix", describe(failure, messages)));
                  environment.err().flush();
                  return 1;
                });
    commandLine.getSubcommands().get("provider").addSubcommand(ProviderRunCommand.class);
    int code = commandLine.execute(args);
    environment.out().flush();
    environment.err().flush();
    return code;
  }

  private static String describe(Exception failure, Messages messages) {
    return switch (failure) {
      case KeystoreException k ->
          messages.get("error." + k.reason().name(), k.subject(), k.detail());
      case UserError u -> messages.get(u.key(), u.args());
      case NodeException n -> describe(n, messages);
      case DaemonError d ->
          d.nodeCode()
              .map(code -> describe(new NodeException(code, d.getMessage()), messages))
              .orElseGet(() -> messages.get("error.daemon", d.code(), d.getMessage()));
      case InvalidSignatureException s -> messages.get("error.invalid-signature", s.getMessage());
      case IllegalArgumentException i -> messages.get("error.invalid-input", i.getMessage());
      case Exception other when NodeException.of(other).code() != NodeException.Code.INTERNAL ->
          describe(NodeException.of(other), messages);
      default -> {
        LOG.debug("unexpected failure", failure);
        yield messages.get(
            "error.unexpected", failure.getClass().getSimpleName() + ": " + failure.getMessage());
      }
    };
  }

  /** By the failure's code: the chain's refusals and reachability are said as such. */
  private static String describe(NodeException n, Messages messages) {
    return switch (n.code()) {
      case CHAIN_REFUSED -> messages.get("error.contract-refused", n.getMessage(), "");
      case CHAIN_UNREACHABLE, NO_DEPLOYMENT -> messages.get("error.chain", n.getMessage());
      case INVALID_INPUT, INVALID_AMOUNT, INVALID_ADDRESS ->
          messages.get("error.invalid-input", n.getMessage());
      default -> messages.get("error.node", n.code().name(), n.getMessage());
    };
  }
}
