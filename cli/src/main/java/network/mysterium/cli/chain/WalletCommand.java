package network.mysterium.cli.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Optional;
import java.util.concurrent.Callable;
import network.mysterium.cli.ChainOptions;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.PassphraseOptions;
import network.mysterium.cli.daemon.DaemonClient;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.node.NodeChain;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeWallet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mysterium wallet ...}: MYST in the identity's wallet and its payments account. */
@Command(
    name = "wallet",
    mixinStandardHelpOptions = true,
    subcommands = {
      WalletCommand.Balance.class,
      WalletCommand.Deposit.class,
      WalletCommand.Withdraw.class
    })
public final class WalletCommand {
  @ParentCommand private MysteriumCommand root;

  /** A transaction of an unlocked identity that moves MYST to a counterparty. */
  @FunctionalInterface
  interface Transfer {
    String run(NodeChain chain, PrivateKey identity, Address counterparty, Myst amount)
        throws NodeException;
  }

  /** Parses the amount, connects, unlocks, runs the transfer and reports it. */
  int transact(
      ChainOptions chainOptions,
      PassphraseOptions passphrase,
      String address,
      String amount,
      String counterparty,
      String reportKey,
      Transfer transfer)
      throws Exception {
    Myst value = Myst.parse(amount);
    try (NodeChain chain = chainOptions.connect(root);
        PrivateKey identity = root.unlock(Optional.ofNullable(address), passphrase)) {
      Address to = counterparty == null ? identity.address() : Address.parse(counterparty);
      root.say(reportKey, value.toPlainString(), to, transfer.run(chain, identity, to, value));
    }
    return 0;
  }

  @Command(name = "balance", mixinStandardHelpOptions = true)
  static final class Balance implements Callable<Integer> {
    @ParentCommand private WalletCommand wallet;
    @Mixin private ChainOptions chainOptions;

    @Parameters(paramLabel = "ADDRESS", arity = "0..1", descriptionKey = "address")
    private String address;

    @Override
    public Integer call() throws Exception {
      MysteriumCommand root = wallet.root;
      Optional<DaemonClient> daemon = DaemonClient.ifRunning(root.dataDirectory().root());
      if (daemon.isPresent()) {
        try (DaemonClient client = daemon.get()) {
          JsonNode w = client.get("/wallet");
          if (address == null
              || Address.parse(address).equals(Address.parse(w.path("address").asText()))) {
            // the daemon's own identity: its node's view, no second chain connection
            show(
                root,
                Address.parse(w.path("address").asText()),
                new NodeWallet.Balances(
                    new BigInteger(w.path("etherWei").asText()),
                    Myst.parse(w.path("wallet").asText()),
                    Myst.parse(w.path("paymentsAccount").asText()),
                    w.path("registered").asBoolean(),
                    Myst.parse(w.path("stake").asText()),
                    pending(w.path("pendingWithdrawal")),
                    w.path("defaulted").asBoolean(),
                    uncleared(w)));
            return 0;
          }
        }
      }
      Address identity =
          address != null
              ? Address.parse(address)
              : root.keystore().resolve(Optional.empty()).address();
      try (NodeChain chain = chainOptions.connect(root)) {
        // no node runs: what it promised is in the data directory's ledger, cleared or not by
        // what the chain says now
        show(
            root,
            identity,
            chain
                .balances(identity)
                .with(chain.uncleared(chainOptions.nodeConfig(root), identity)));
      }
      return 0;
    }

    /** The daemon's {@code uncleared} and {@code unclearedByProvider}. */
    private static NodeWallet.Uncleared uncleared(JsonNode w) {
      java.util.List<NodeWallet.Owed> owed = new java.util.ArrayList<>();
      for (JsonNode o : w.path("unclearedByProvider")) {
        owed.add(
            new NodeWallet.Owed(
                Address.parse(o.path("provider").asText()), Myst.parse(o.path("amount").asText())));
      }
      return new NodeWallet.Uncleared(Myst.parse(w.path("uncleared").asText("0")), owed);
    }

    private static Optional<NodeWallet.PendingWithdrawal> pending(JsonNode p) {
      if (p.isMissingNode() || p.isNull()) {
        return Optional.empty();
      }
      return Optional.of(
          new NodeWallet.PendingWithdrawal(
              Address.parse(p.path("to").asText()),
              Myst.parse(p.path("amount").asText()),
              java.time.Instant.parse(p.path("completableAt").asText()),
              p.path("due").asBoolean()));
    }

    private static void show(MysteriumCommand root, Address identity, NodeWallet.Balances b) {
      root.say("wallet.identity", identity);
      root.say(
          "wallet.registered",
          b.registered()
              ? root.environment().messages().get("yes")
              : root.environment().messages().get("no"),
          b.stake().toPlainString());
      if (b.defaulted()) {
        root.say("wallet.defaulted");
      }
      root.say("wallet.myst", b.wallet().toPlainString());
      root.say("wallet.payments", b.paymentsAccount().toPlainString());
      root.say("wallet.uncleared", b.uncleared().total().toPlainString());
      for (NodeWallet.Owed o : b.uncleared().byProvider()) {
        root.say("wallet.uncleared-to", o.provider(), o.amount().toPlainString());
      }
      root.say(
          "wallet.ether",
          new java.math.BigDecimal(b.etherWei())
              .movePointLeft(18)
              .stripTrailingZeros()
              .toPlainString());
      b.pendingWithdrawal()
          .ifPresent(
              p ->
                  root.say(
                      p.due() ? "wallet.pending-due" : "wallet.pending",
                      p.amount().toPlainString(),
                      p.to(),
                      p.completableAt()));
    }
  }

  @Command(name = "deposit", mixinStandardHelpOptions = true)
  static final class Deposit implements Callable<Integer> {
    @ParentCommand private WalletCommand wallet;
    @Mixin private ChainOptions chainOptions;
    @Mixin private PassphraseOptions passphrase;

    @Parameters(paramLabel = "MYST", descriptionKey = "amount")
    private String amount;

    @Option(names = "--address", paramLabel = "ADDRESS", descriptionKey = "address")
    private String address;

    @Option(names = "--for", paramLabel = "ADDRESS", descriptionKey = "deposit-for")
    private String beneficiary;

    @Override
    public Integer call() throws Exception {
      return wallet.transact(
          chainOptions,
          passphrase,
          address,
          amount,
          beneficiary,
          "wallet.deposited",
          NodeChain::deposit);
    }
  }

  /**
   * {@code wallet withdraw MYST [--to ADDRESS]} requests a withdrawal; after the deployment's
   * notice, {@code wallet withdraw --complete} sends it.
   */
  @Command(name = "withdraw", mixinStandardHelpOptions = true)
  static final class Withdraw implements Callable<Integer> {
    @ParentCommand private WalletCommand wallet;
    @Mixin private ChainOptions chainOptions;
    @Mixin private PassphraseOptions passphrase;

    @Parameters(paramLabel = "MYST", arity = "0..1", descriptionKey = "amount")
    private String amount;

    @Option(names = "--address", paramLabel = "ADDRESS", descriptionKey = "address")
    private String address;

    @Option(names = "--to", paramLabel = "ADDRESS", descriptionKey = "withdraw-to")
    private String recipient;

    @Option(names = "--complete", descriptionKey = "withdraw-complete")
    private boolean complete;

    @Override
    public Integer call() throws Exception {
      MysteriumCommand root = wallet.root;
      if (complete == (amount != null)) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), root.environment().messages().get("withdraw.usage"));
      }
      if (complete) {
        try (NodeChain chain = chainOptions.connect(root);
            PrivateKey identity = root.unlock(Optional.ofNullable(address), passphrase)) {
          Optional<network.mysterium.chain.ChainWallet.PendingWithdrawal> pending =
              chain.pendingWithdrawal(identity.address());
          String hash = chain.completeWithdrawal(identity);
          root.say(
              "wallet.withdrawn",
              pending.map(p -> p.amount().toPlainString()).orElse("0"),
              pending.map(p -> p.to().toString()).orElse("-"),
              hash);
        }
        return 0;
      }
      int done =
          wallet.transact(
              chainOptions,
              passphrase,
              address,
              amount,
              recipient,
              "wallet.withdrawal-requested",
              NodeChain::requestWithdrawal);
      try (NodeChain chain = chainOptions.connect(root)) {
        Address identity =
            root.keystore().resolve(Optional.ofNullable(address).map(Address::parse)).address();
        chain
            .pendingWithdrawal(identity)
            .ifPresent(p -> root.say("wallet.completable-from", p.completableAt()));
      }
      return done;
    }
  }
}
