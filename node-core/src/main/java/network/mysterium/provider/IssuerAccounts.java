package network.mysterium.provider;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import network.mysterium.chain.ChainIndex;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;
import network.mysterium.payments.ReceivedPromises;
import network.mysterium.payments.SharedExposure;
import network.mysterium.session.ProviderSessions;
import network.mysterium.store.StoreException;

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
  private final ReceivedPromises held;
  private final Myst cap;

  /** Most consumers {@link #exposures} lists: each costs a chain call. */
  static final int MAX_LISTED = 64;

  IssuerAccounts(
      Address self,
      PaymentsContract payments,
      ChainIndex chain,
      SharedExposure exposure,
      ExposureSharing sharing,
      ReceivedPromises held,
      ProviderNode.Config config) {
    this.self = self;
    this.payments = payments;
    this.chain = chain;
    this.exposure = exposure;
    this.sharing = sharing;
    this.trust = config.offering().history();
    this.held = held;
    this.cap = config.exposureCap();
  }

  /** What other providers reported holding uncleared from the issuer. */
  Myst heldByOthers(Address issuer) throws StoreException {
    return exposure.heldByOthers(issuer, self);
  }

  /**
   * Each consumer with a session open ({@code inSession}, first) or promises held here, at most
   * {@link #MAX_LISTED}: what it owes here and elsewhere, and what this provider still accepts.
   */
  List<IssuerExposure> exposures(Collection<Address> inSession)
      throws ChainException, StoreException {
    Set<Address> consumers = new LinkedHashSet<>(inSession);
    consumers.addAll(held.issuersWithHeldPromises());
    List<IssuerExposure> out = new ArrayList<>();
    for (Address consumer : consumers) {
      if (out.size() >= MAX_LISTED) {
        break;
      }
      out.add(exposureOf(consumer, inSession.contains(consumer)));
    }
    return out;
  }

  /** What one consumer owes here and elsewhere, and what this provider still accepts from it. */
  IssuerExposure exposureOf(Address consumer, boolean inSession)
      throws ChainException, StoreException {
    Myst here = held.uncleared(consumer);
    Myst others = trust.sharing() ? heldByOthers(consumer) : Myst.ZERO;
    // as the check counts it: the balance less a pending withdrawal, less what others hold
    BigInteger spendable =
        payments
            .spendableBalance(consumer.toString())
            .subtract(others.baseUnits())
            .max(BigInteger.ZERO);
    BigInteger left =
        cap.baseUnits().min(spendable).subtract(here.baseUnits()).max(BigInteger.ZERO);
    return new IssuerExposure(
        consumer, inSession, here, others, Myst.ofBaseUnits(spendable), Myst.ofBaseUnits(left));
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
