package network.mysterium.identity;

/**
 * Why a keystore operation failed: a {@link Reason} a user interface turns into a sentence in the
 * user's language, the subject it concerns (a file name or an address) and a technical detail in
 * English. The message, "subject: detail", is for logs and tests. None of it ever holds a secret.
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
    /** The node has no identity yet. */
    NO_IDENTITY,
    /** The node has several identities and none is the default. */
    NO_DEFAULT,
    /** Reading or writing the data directory failed. */
    IO
  }

  private final Reason reason;
  private final String subject;
  private final String detail;

  public KeystoreException(Reason reason, String subject, String detail) {
    this(reason, subject, detail, null);
  }

  public KeystoreException(Reason reason, String subject, String detail, Throwable cause) {
    super(subject + ": " + detail, cause);
    this.reason = reason;
    this.subject = subject;
    this.detail = detail;
  }

  public Reason reason() {
    return reason;
  }

  /** The file name or address the failure concerns. */
  public String subject() {
    return subject;
  }

  public String detail() {
    return detail;
  }
}
