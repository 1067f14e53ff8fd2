package network.mysterium.payments;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Signature;
import network.mysterium.money.Myst;

/** Promises and amounts on the wire (payments.proto) and back, with clear errors. */
public final class PromiseMessages {
  private PromiseMessages() {}

  public static network.mysterium.payments.proto.SignedPromise encode(SignedPromise signed) {
    Promise p = signed.promise();
    return network.mysterium.payments.proto.SignedPromise.newBuilder()
        .setIssuer(ByteString.copyFrom(p.issuer().toBytes()))
        .setBenefiter(ByteString.copyFrom(p.benefiter().toBytes()))
        .setSerial(p.serial())
        .setAmount(amount(p.amount().baseUnits()))
        .setSignature(ByteString.copyFrom(signed.signature().toBytes()))
        .build();
  }

  /**
   * @throws IllegalArgumentException naming what is malformed
   */
  public static SignedPromise decode(network.mysterium.payments.proto.SignedPromise m) {
    return new SignedPromise(
        new Promise(
            Address.of(m.getIssuer().toByteArray()),
            Address.of(m.getBenefiter().toByteArray()),
            m.getSerial(),
            Myst.ofBaseUnits(amount(m.getAmount()))),
        Signature.parse(m.getSignature().toByteArray()));
  }

  /** Unsigned big-endian base units. */
  public static ByteString amount(BigInteger value) {
    if (value.signum() < 0) {
      value = BigInteger.ZERO;
    }
    byte[] raw = value.toByteArray();
    int skip = raw.length > 1 && raw[0] == 0 ? 1 : 0;
    return ByteString.copyFrom(raw, skip, raw.length - skip);
  }

  public static BigInteger amount(ByteString bytes) {
    if (bytes.size() > 32) {
      throw new IllegalArgumentException("an amount has at most 32 bytes");
    }
    return new BigInteger(1, bytes.toByteArray());
  }

  /** A refusal on the wire, typed, with where the pair stands (for the issuer to resync). */
  public static network.mysterium.payments.proto.PaymentRefused refused(PromiseRefusedException e) {
    return network.mysterium.payments.proto.PaymentRefused.newBuilder()
        .setReason(
            network.mysterium.payments.proto.PaymentRefused.Reason.valueOf(e.reason().name()))
        .setLastClearedSerial(e.lastClearedSerial())
        .setHeldSerial(e.heldSerial())
        .build();
  }
}
