package network.mysterium.service.wireguard;

import java.security.SecureRandom;

/** WireGuard's X25519 keys, for those who set up devices: a new private key, its public key. */
public final class WireGuardKeys {
  private WireGuardKeys() {}

  public static byte[] newPrivateKey(SecureRandom random) {
    return WireGuardCrypto.newPrivateKey(random);
  }

  public static byte[] publicKey(byte[] privateKey) {
    return WireGuardCrypto.publicKey(privateKey);
  }
}
