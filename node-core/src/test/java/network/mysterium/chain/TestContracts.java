package network.mysterium.chain;

import java.math.BigInteger;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import org.web3j.crypto.Credentials;

/**
 * The contracts as most tests deploy them: a million MYST to the deployer, a stake of 1 MYST, fees
 * of 1% to the deployer.
 */
public final class TestContracts {
  public static final BigInteger ONE_MYST = BigInteger.TEN.pow(18);

  private TestContracts() {}

  public static Deployment deploy(EthereumClient client, Credentials deployer)
      throws ChainException {
    return Deployer.deploy(
        client,
        deployer,
        new Deployer.Parameters(
            ONE_MYST.multiply(BigInteger.valueOf(1_000_000)),
            ONE_MYST,
            deployer.getAddress(),
            100));
  }
}
