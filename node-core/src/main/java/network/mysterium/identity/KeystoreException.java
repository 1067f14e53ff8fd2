package network.mysterium.identity;

import java.util.List;

/**
 * Why a keystore operation failed. The {@link Reason} lets a user interface say it in the user's
 * language; the message is an English sentence for logs and tests. Neither ever holds a secret.
 */
public final class KeystoreException extends Exception {
  /** The kinds of failure a user can act on. */
  public enum Reason {
    /** The passphrase does not decrypt the key (the MAC does not match). */
    WRONG_PASSPHRASE,
    /** The file is not a keystore: not JSON, truncated, a field missing or not hex. */
    MALFORMED,
    /** A well-formed keystore with a KDF, cipher or version that is not supported. */
    UNSUPPORTED,
    /** No identity with that address is in this node's keystore. */
    UNKNOWN_IDENTITY,
    /** The identity is already in this node's keystore. */
    ALREADY_EXISTS,
    /** The node has no identity yet, or no default one. */
    NO_IDENTITY,
    /** Reading or writing the data directory failed. */
    IO
  }

  private final Reason reason;
  private final List<String> details;

  /**
   * @param details what the message names, in order (file, address, detail), for translations
   */
  public KeystoreException(Reason reason, String message, String... details) {
    super(message);
    this.reason = reason;
    this.details = List.of(details);
  }

  public KeystoreException(Reason reason, String message, Throwable cause, String... details) {
    super(message, cause);
    this.reason = reason;
    this.details = List.of(details);
  }

  public Reason reason() {
    return reason;
  }

  public List<String> details() {
    return details;
  }
}
