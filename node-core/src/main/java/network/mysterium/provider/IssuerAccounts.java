package network.mysterium.provider;

import java.math.BigInteger;
import java.util.Optional;
import network.mysterium.chain.ChainIndex;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;
import network.mysterium.payments.SharedExposure;
import network.mysterium.session.ProviderSessions;

/**
 * What a provider knows of an issuer before it accepts a promise (whitepaper 6.5.6): what it can
 * spend on chain (its balance less a pending withdrawal), less what other providers hold from it
 * when the offer shares exposure; whether it defaulted and its clearing history, from the node's
 * index (no chain call). An accepted promise is told to other providers.
 */
final class IssuerAccounts implements ProviderSessions.Balances {
  private final Address self;
  private final PaymentsContract payments;
  private final ChainIndex chain;
  private final SharedExposure exposure;
  private final ExposureSharing sharing;
  private final IssuerTrust trust;

  IssuerAccounts(
      Address self,
      PaymentsContract payments,
      ChainIndex chain,
      SharedExposure exposure,
      ExposureSharing sharing,
      IssuerTrust trust) {
    this.self = self;
    this.payments = payments;
    this.chain = chain;
    this.exposure = exposure;
    this.sharing = sharing;
    this.trust = trust;
  }

  @Override
  public BigInteger paymentsBalance(Address identity) throws Exception {
    BigInteger spendable = payments.spendableBalance(identity.toString());
    return trust.sharing()
        ? spendable.subtract(exposure.heldByOthers(identity, self).baseUnits())
        : spendable;
  }

  @Override
  public void accepted(Address identity) {
    if (trust.sharing()) {
      sharing.promiseAccepted(identity);
    }
  }

  @Override
  public boolean defaulted(Address identity) throws Exception {
    return chain.isDefaulted(identity);
  }

  @Override
  public Optional<String> historyShortfall(Address identity) throws Exception {
    if (trust.minCleared() == 0 && trust.minBalance().baseUnits().signum() == 0) {
      return Optional.empty(); // nothing asked: no index read, no chain call
    }
    return trust.shortfall(
        chain.clearedCount(identity),
        Myst.ofBaseUnits(payments.spendableBalance(identity.toString())));
  }
}
