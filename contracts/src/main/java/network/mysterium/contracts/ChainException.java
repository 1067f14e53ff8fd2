package network.mysterium.contracts;

/** The chain could not do what was asked: unreachable, another chain, or a refused transaction. */
public class ChainException extends Exception {
  public ChainException(String message) {
    super(message);
  }

  public ChainException(String message, Throwable cause) {
    super(message, cause);
  }
}
