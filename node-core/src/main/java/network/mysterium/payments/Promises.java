package network.mysterium.payments;

import java.math.BigInteger;
import network.mysterium.chain.ContractMessages;
import network.mysterium.contracts.Deployment;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.InvalidSignatureException;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.Signature;

/**
 * Signs and checks promises in the Payments contract's EIP-712 domain, so a promise signed here is
 * exactly what {@code clearPromise} accepts, and the benefiter's clearing signature with it.
 */
public final class Promises {
  private final ContractMessages.Domain domain;

  public Promises(ContractMessages.Domain paymentsDomain) {
    this.domain = paymentsDomain;
  }

  public static Promises of(Deployment deployment) {
    return new Promises(
        ContractMessages.Domain.payments(
            deployment.chainId(), Address.parse(deployment.payments())));
  }

  /** Signs as the issuer. */
  public SignedPromise sign(Promise promise, PrivateKey issuer) {
    if (!issuer.address().equals(promise.issuer())) {
      throw new IllegalArgumentException("only the issuer signs its promise");
    }
    return new SignedPromise(promise, typed(promise).sign(issuer));
  }

  /** Whether the issuer named in the promise signed it. */
  public boolean isSignedByIssuer(SignedPromise signed) {
    try {
      return typed(signed.promise()).recover(signed.signature()).equals(signed.promise().issuer());
    } catch (InvalidSignatureException e) {
      return false;
    }
  }

  /** The benefiter's half of a clearing: agreement to be paid this promise (in part or whole). */
  public Signature signClearing(Promise promise, boolean acceptPartial, PrivateKey benefiter) {
    if (!benefiter.address().equals(promise.benefiter())) {
      throw new IllegalArgumentException("only the benefiter signs a clearing");
    }
    return ContractMessages.clearing(
            domain,
            promise.issuer(),
            promise.benefiter(),
            BigInteger.valueOf(promise.serial()),
            promise.amount().baseUnits(),
            acceptPartial)
        .sign(benefiter);
  }

  private network.mysterium.crypto.TypedData typed(Promise promise) {
    return ContractMessages.promise(
        domain,
        promise.issuer(),
        promise.benefiter(),
        BigInteger.valueOf(promise.serial()),
        promise.amount().baseUnits());
  }
}
