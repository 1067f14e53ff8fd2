package network.mysterium.session;

import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;

/**
 * What the Payments contract says was cleared: the last serial of an issuer to a benefiter. The
 * consumer starts its next serial above it (the contract is the truth, not the local ledger, which
 * may be new or behind after a crash or an import).
 */
@FunctionalInterface
public interface ClearedSerials {
  /**
   * @throws Exception when the chain cannot say now (the caller goes on without it)
   */
  long lastCleared(Address issuer, Address benefiter) throws Exception;

  /** No chain to ask: only refusals resync. */
  static ClearedSerials unknown() {
    return (issuer, benefiter) -> {
      throw new IllegalStateException("no chain to ask");
    };
  }

  static ClearedSerials of(PaymentsContract payments) {
    return (issuer, benefiter) ->
        payments.lastClearedSerial(issuer.toString(), benefiter.toString()).longValueExact();
  }
}
