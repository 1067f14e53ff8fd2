package network.mysterium.chain;

import java.math.BigInteger;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;

/**
 * The Payments messages signed for the invariant walk, each remembering what it signs and who
 * signed it, so the walk knows which signature is good in which slot however it moves them.
 */
final class PaymentsSignatures {
  enum Kind {
    PROMISE,
    CLEARING,
    WITHDRAWAL
  }

  /**
   * A signature and what it covers: issuer and benefiter (or identity and destination), serial (or
   * nonce), amount and, for a clearing, the partial flag.
   */
  record Sig(
      Kind kind,
      Address signer,
      Address first,
      Address second,
      long number,
      BigInteger amount,
      boolean partial,
      byte[] bytes) {
    boolean isPromise(
        Address by, Address issuer, Address benefiter, long serial, BigInteger amount) {
      return kind == Kind.PROMISE
          && signer.equals(by)
          && first.equals(issuer)
          && second.equals(benefiter)
          && number == serial
          && this.amount.equals(amount);
    }

    boolean isClearing(
        Address by,
        Address issuer,
        Address benefiter,
        long serial,
        BigInteger amount,
        boolean partial) {
      return kind == Kind.CLEARING
          && signer.equals(by)
          && first.equals(issuer)
          && second.equals(benefiter)
          && number == serial
          && this.amount.equals(amount)
          && this.partial == partial;
    }

    /** Signed by the identity for itself with this nonce (what the destination and amount are). */
    boolean isWithdrawal(Address by, Address identity, long nonce) {
      return kind == Kind.WITHDRAWAL
          && signer.equals(by)
          && first.equals(identity)
          && number == nonce;
    }

    Address to() {
      return second;
    }
  }

  private final ContractMessages.Domain domain;

  PaymentsSignatures(ContractMessages.Domain domain) {
    this.domain = domain;
  }

  Sig promise(PrivateKey by, Address issuer, Address benefiter, long serial, BigInteger amount) {
    byte[] bytes =
        ContractMessages.promise(domain, issuer, benefiter, BigInteger.valueOf(serial), amount)
            .sign(by)
            .toBytes();
    return new Sig(Kind.PROMISE, by.address(), issuer, benefiter, serial, amount, false, bytes);
  }

  Sig clearing(
      PrivateKey by,
      Address issuer,
      Address benefiter,
      long serial,
      BigInteger amount,
      boolean partial) {
    byte[] bytes =
        ContractMessages.clearing(
                domain, issuer, benefiter, BigInteger.valueOf(serial), amount, partial)
            .sign(by)
            .toBytes();
    return new Sig(Kind.CLEARING, by.address(), issuer, benefiter, serial, amount, partial, bytes);
  }

  Sig withdrawal(PrivateKey by, Address identity, Address to, BigInteger amount, long nonce) {
    byte[] bytes =
        ContractMessages.withdrawal(domain, identity, to, amount, BigInteger.valueOf(nonce))
            .sign(by)
            .toBytes();
    return new Sig(Kind.WITHDRAWAL, by.address(), identity, to, nonce, amount, false, bytes);
  }
}
