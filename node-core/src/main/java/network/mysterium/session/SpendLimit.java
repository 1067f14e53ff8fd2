package network.mysterium.session;

import network.mysterium.money.Myst;

/**
 * The most a consumer pays (or signs and has refused, which a dishonest provider could still clear)
 * in one session and to one provider over one dialogue: what a provider that overbills or lies can
 * take at most. Reaching it ends the session with {@link ConsumerSession.Failure#SPEND_LIMIT}.
 */
public record SpendLimit(Myst perSession, Myst perProvider) {
  /** The defaults the CLI and the app show: 1 MYST a session, 2 MYST a provider. */
  public static SpendLimit defaults() {
    return new SpendLimit(Myst.parse("1"), Myst.parse("2"));
  }

  public SpendLimit {
    if (perSession.baseUnits().signum() <= 0 || perProvider.baseUnits().signum() <= 0) {
      throw new IllegalArgumentException("spending limits must be positive");
    }
  }
}
