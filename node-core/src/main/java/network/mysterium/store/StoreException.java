package network.mysterium.store;

/** The node's database failed: cannot open, too new a schema, or a statement failed. */
public final class StoreException extends Exception {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
