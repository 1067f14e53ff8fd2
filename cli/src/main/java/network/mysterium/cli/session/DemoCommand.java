package network.mysterium.cli.session;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.Stopping;
import network.mysterium.cli.UserError;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.demo.Demo;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.identity.Keystore;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mysterium demo}: a whole local network (chain, contracts, three providers) and a paid
 * SOCKS5 connection through it, step by step, then a summary. Leaves nothing running unless told.
 */
@Command(name = "demo", mixinStandardHelpOptions = true)
public final class DemoCommand implements Callable<Integer> {
  /** The passphrase of the identity --keep-running leaves for the user (a local demo only). */
  static final String DEMO_PASSPHRASE = "demo";

  @ParentCommand private MysteriumCommand root;

  @Option(
      names = "--country",
      defaultValue = "DE",
      paramLabel = "CC",
      descriptionKey = "demo-country")
  private String country;

  @Option(names = "--keep-running", descriptionKey = "keep-running")
  private boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    Path anvil = LocalNetwork.locateAnvil();
    Path workDir = LocalNetwork.temporaryWorkDir();
    int[] step = {0};
    LocalNetwork.Progress progress =
        (key, args) -> {
          step[0]++;
          root.say("demo.progress", Integer.toString(step[0]), text(key, args));
        };
    // a signal (Ctrl-C, SIGTERM) at any step stops the providers, then anvil, as the end does
    try (Stopping stopping = Stopping.onSignal()) {
      LocalNetwork network = LocalNetwork.start(anvil, workDir, progress);
      try {
        Demo.Summary summary =
            Demo.run(network, country.toUpperCase(java.util.Locale.ROOT), progress);
        printSummary(summary);
        if (keepRunning) {
          keepRunning(network);
          root.environment().out().flush();
          stopping.await(java.time.Duration.ZERO); // until Ctrl-C or SIGTERM
        }
      } catch (IllegalStateException e) {
        if (stopping.requested()) {
          return 0; // a step cut short by the signal
        }
        throw new UserError("error.demo", e.getMessage());
      } finally {
        network.close();
        deleteQuietly(workDir);
        root.say("demo.stopped");
        root.environment().out().flush();
      }
    } finally {
      deleteQuietly(workDir); // also when the chain never started
    }
    return 0;
  }

  private String text(String key, Object... args) {
    Object[] shown = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      shown[i] = String.valueOf(args[i]);
    }
    return root.environment().messages().get(key, shown);
  }

  private void printSummary(Demo.Summary s) {
    root.say("demo.summary");
    root.say(
        "demo.summary.provider",
        s.chosen().provider(),
        s.chosen().providedFrom().country(),
        s.chosen().pricePerUnit(),
        Integer.toString(s.candidates()));
    root.say("demo.summary.bytes", Long.toString(s.bytesFetched()));
    root.say("demo.summary.cost", myst(s.meteredCost()));
    root.say("demo.summary.promised", myst(s.promised()), myst(s.leftoverCredit()));
    root.say("demo.summary.fee", myst(s.fee()), Integer.toString(LocalNetwork.FEE_BASIS_POINTS));
    root.say("demo.summary.consumer", myst(s.consumerBefore()), myst(s.consumerAfter()));
    root.say("demo.summary.provider-balance", myst(s.providerBefore()), myst(s.providerAfter()));
  }

  /** Leaves an identity with MYST in a data directory, and says how to use the network. */
  private void keepRunning(LocalNetwork network) throws Exception {
    Path data = network.workDir().resolve("you");
    DataDirectory.createPrivateDirectories(data);
    Files.copy(network.deploymentFile(), data.resolve("deployment.json"));
    Keystore keystore =
        new Keystore(
            new DataDirectory(data),
            root.environment().kdf(),
            root.environment().random(),
            root.environment().clock());
    Address you = keystore.create(DEMO_PASSPHRASE.toCharArray());
    try (PrivateKey key = keystore.unlock(you, DEMO_PASSPHRASE.toCharArray())) {
      network.fund(key, Myst.parse("5"), Myst.parse("1"));
    }
    root.say("demo.kept", network.rpcUrl(), data);
    for (ProviderNode p : network.providers()) {
      root.say(
          "demo.kept.provider",
          p.address(),
          p.proposal().providedFrom().country(),
          p.proposal().pricePerUnit(),
          p.contact());
    }
    root.say("demo.kept.try", "", data, network.rpcUrl(), country);
  }

  private static String myst(BigInteger baseUnits) {
    return new BigDecimal(baseUnits)
            .movePointLeft(Myst.DECIMALS)
            .stripTrailingZeros()
            .toPlainString()
        + " MYST";
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a temporary directory: the system cleans it eventually
    }
  }
}
