package network.mysterium.cli;

/** A failure the user can fix, told by a message key of the i18n bundle and its arguments. */
public final class UserError extends RuntimeException {
  private final String key;
  private final transient Object[] args;

  public UserError(String key, Object... args) {
    super(key);
    this.key = key;
    this.args = args.clone();
  }

  public String key() {
    return key;
  }

  public Object[] args() {
    return args.clone();
  }
}
