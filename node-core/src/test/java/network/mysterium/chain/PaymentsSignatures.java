package network.mysterium.chain;

import java.math.BigInteger;
import java.util.Random;
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
    WITHDRAWAL,
    /** Bytes damaged after signing: good for nothing. */
    GARBLED
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

  /**
   * The signature with its bytes damaged so it recovers to no one or someone else: a bit of r or s
   * flipped, the parity flipped, r zeroed, or all zeros. The top bit of s is left alone: in the
   * compact form it carries the parity, so flipping it could give back the same signature.
   */
  static Sig garbled(Sig good, Random rnd) {
    byte[] b = good.bytes().clone();
    switch (rnd.nextInt(5)) {
      case 0 -> b[rnd.nextInt(32)] ^= (byte) (1 << rnd.nextInt(8));
      case 1 -> {
        int i = 32 + rnd.nextInt(32);
        b[i] ^= (byte) (1 << rnd.nextInt(i == 32 ? 7 : 8));
      }
      case 2 -> b[64] = (byte) ((b[64] & 0xff) == 27 ? 28 : (b[64] & 0xff) == 28 ? 27 : b[64] ^ 1);
      case 3 -> java.util.Arrays.fill(b, 0, 32, (byte) 0);
      default -> {
        java.util.Arrays.fill(b, 0, 64, (byte) 0);
        b[64] = 27;
      }
    }
    return new Sig(
        Kind.GARBLED,
        good.signer(),
        good.first(),
        good.second(),
        good.number(),
        good.amount(),
        false,
        b);
  }
}
