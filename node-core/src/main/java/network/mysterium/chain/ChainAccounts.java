package network.mysterium.chain;

import network.mysterium.crypto.PrivateKey;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;

/** An unlocked identity as the signer of its own Ethereum transactions. */
public final class ChainAccounts {
  private ChainAccounts() {}

  /** web3j keeps the key in memory for as long as the credentials live; drop them soon. */
  public static Credentials credentials(PrivateKey key) {
    byte[] bytes = key.toBytes();
    try {
      return Credentials.create(ECKeyPair.create(bytes));
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
  }
}
