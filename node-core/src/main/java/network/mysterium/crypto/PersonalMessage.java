package network.mysterium.crypto;

import java.nio.charset.StandardCharsets;

/**
 * EIP-191 version 0x45 ("personal_sign"): keccak256 of {@code "\x19Ethereum Signed Message:\n"},
 * the message length in decimal, and the message. The prefix keeps a signed message from ever being
 * a valid transaction.
 */
public final class PersonalMessage {
  private PersonalMessage() {}

  public static byte[] hash(byte[] message) {
    byte[] prefix =
        ("\u0019Ethereum Signed Message:\n" + message.length).getBytes(StandardCharsets.UTF_8);
    return Keccak.hash(prefix, message);
  }

  public static Signature sign(PrivateKey key, byte[] message) {
    return key.sign(hash(message));
  }

  public static Address recover(byte[] message, Signature signature)
      throws InvalidSignatureException {
    return signature.recoverAddress(hash(message));
  }
}
