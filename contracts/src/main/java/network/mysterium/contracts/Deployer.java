package network.mysterium.contracts;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Deploys the four contracts of a Mysterium network; the deployer holds the whole MYST supply. */
public final class Deployer {
  /**
   * What a new network starts with.
   *
   * @param withdrawalNotice how long a requested withdrawal waits before it can complete (the
   *     providers' time to clear what they hold from the identity)
   */
  public record Parameters(
      BigInteger tokenSupply,
      BigInteger registrationStake,
      String feeAccount,
      int feeBasisPoints,
      Duration withdrawalNotice) {
    /** A local network's notice: long enough for a provider's clearing check, short to wait. */
    public static final Duration LOCAL_WITHDRAWAL_NOTICE = Duration.ofMinutes(5);

    /** What a public chain should use: a week, as payment channels' dispute windows. */
    public static final Duration PUBLIC_WITHDRAWAL_NOTICE = Duration.ofDays(7);

    public Parameters {
      if (withdrawalNotice.isNegative() || withdrawalNotice.toSeconds() > 365L * 24 * 3600) {
        throw new IllegalArgumentException("a withdrawal notice from 0 to a year");
      }
    }

    /** With the local network's withdrawal notice. */
    public Parameters(
        BigInteger tokenSupply,
        BigInteger registrationStake,
        String feeAccount,
        int feeBasisPoints) {
      this(tokenSupply, registrationStake, feeAccount, feeBasisPoints, LOCAL_WITHDRAWAL_NOTICE);
    }
  }

  private Deployer() {}

  public static Deployment deploy(
      EthereumClient client, Credentials deployer, Parameters parameters) throws ChainException {
    String owner = deployer.getAddress();
    TransactionReceipt token =
        create(
            client,
            deployer,
            "MystToken",
            new Uint256(parameters.tokenSupply()),
            new Address(owner));
    long startBlock = token.getBlockNumber().longValueExact();
    String registry =
        create(
                client,
                deployer,
                "IdentityRegistry",
                new Address(token.getContractAddress()),
                new Uint256(parameters.registrationStake()),
                new Address(owner))
            .getContractAddress();
    String services =
        create(client, deployer, "ServiceRegistry", new Address(registry)).getContractAddress();
    String payments =
        create(
                client,
                deployer,
                "Payments",
                new Address(token.getContractAddress()),
                new Address(registry),
                new Address(parameters.feeAccount()),
                new Uint16(parameters.feeBasisPoints()),
                new Address(owner),
                new Uint64(parameters.withdrawalNotice().toSeconds()))
            .getContractAddress();
    // only the payments contract may take a defaulted identity's stake
    client.send(
        deployer,
        new ContractCall(
            registry,
            FunctionEncoder.encode(
                new org.web3j.abi.datatypes.Function(
                    "setPayments", List.of(new Address(payments)), List.of()))));
    return new Deployment(
        client.chainId(),
        token.getContractAddress(),
        registry,
        services,
        payments,
        startBlock,
        ProposalExpiry.DEFAULT);
  }

  private static TransactionReceipt create(
      EthereumClient client, Credentials deployer, String name, Type<?>... args)
      throws ChainException {
    String code =
        ContractArtifact.load(name).bytecode() + FunctionEncoder.encodeConstructor(List.of(args));
    return client.deploy(deployer, code);
  }
}
