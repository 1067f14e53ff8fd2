package network.mysterium.messaging;

import java.util.Optional;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PublicKey;

/**
 * Where a node finds the public key of an identity it writes to, and whether an identity may write
 * to it: the on-chain registry in production ({@code ChainIndex}), a list of known peers in tests
 * and private networks.
 */
public interface PublicKeyDirectory {
  Optional<PublicKey> publicKey(Address identity);
}
