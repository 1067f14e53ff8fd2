package network.mysterium.crypto;

/** A signature that cannot be verified: malformed, malleable (high s), or not recoverable. */
public final class InvalidSignatureException extends Exception {
  public InvalidSignatureException(String message) {
    super(message);
  }
}
