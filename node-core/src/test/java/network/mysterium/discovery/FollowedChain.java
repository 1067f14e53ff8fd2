package network.mysterium.discovery;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.ChainWallet;
import network.mysterium.chain.ContractAddresses;
import network.mysterium.chain.TestContracts;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.store.Database;
import org.web3j.crypto.Credentials;

/**
 * The discovery tests' chain: the standard contracts deployed on anvil, followed (no confirmations)
 * into a real SQLite database, and identities made on it; closed with everything it made.
 */
final class FollowedChain implements AutoCloseable {
  private static final BigInteger TEN_ETHER = BigInteger.TEN.pow(19);
  private final Anvil anvil;
  private final SecureRandom random = new SecureRandom();
  private final List<PrivateKey> keys = new ArrayList<>();
  final EthereumClient client;
  final Deployment deployment;
  final Database database;
  final ChainIndex chain;
  final ChainFollower follower;

  FollowedChain(Anvil anvil, Path databaseFile) throws Exception {
    this.anvil = anvil;
    client = EthereumClient.connect(anvil.rpcUrl());
    deployment =
        TestContracts.deploy(client, Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst()));
    database = Database.open(databaseFile);
    chain = new ChainIndex(database);
    follower =
        new ChainFollower(
            client.web3(),
            chain,
            new ChainFollower.Config(
                ContractAddresses.of(deployment),
                deployment.startBlock(),
                0,
                1000,
                Duration.ofSeconds(1)));
  }

  /** An index of this chain's proposals, expiring after {@code expiryBlocks}. */
  ProposalIndex index(SignedProposals signer, long expiryBlocks) {
    return new ProposalIndex(database, chain, chain, signer, expiryBlocks);
  }

  /** A new identity with ETH for gas; registered (10 MYST given, the stake taken) if asked. */
  PrivateKey identity(boolean registered) throws Exception {
    PrivateKey key = PrivateKey.generate(random);
    keys.add(key);
    anvil.setBalance(key.address().toString(), TEN_ETHER);
    if (registered) {
      register(key);
    }
    return key;
  }

  /** Registers the caller's key: ETH for gas and 10 MYST given, the stake taken. */
  void register(PrivateKey key) throws Exception {
    anvil.setBalance(key.address().toString(), TEN_ETHER);
    new MystTokenContract(client, deployment.token())
        .transfer(
            Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst()),
            key.address().toString(),
            TEN_ETHER);
    new ChainWallet(client, deployment).register(key);
  }

  @Override
  public void close() {
    follower.close();
    database.close();
    client.close();
    keys.forEach(PrivateKey::destroy);
  }
}
