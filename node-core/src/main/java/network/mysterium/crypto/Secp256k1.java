package network.mysterium.crypto;

import java.math.BigInteger;
import java.util.Optional;
import network.mysterium.secp256k1.LibSecp256k1;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;

/** The secp256k1 curve constants that keys, signing and recovery share. */
final class Secp256k1 {
  private static final X9ECParameters CURVE_PARAMS = CustomNamedCurves.getByName("secp256k1");
  static final ECDomainParameters DOMAIN =
      new ECDomainParameters(
          CURVE_PARAMS.getCurve(), CURVE_PARAMS.getG(), CURVE_PARAMS.getN(), CURVE_PARAMS.getH());
  static final BigInteger N = DOMAIN.getN();
  static final BigInteger HALF_N = N.shiftRight(1);

  /**
   * The system's libsecp256k1 when there is one: about five times faster at recovery and signing,
   * which bounds proposal ingest and promise checks. Bouncy Castle otherwise, with identical
   * results (tested).
   */
  static final Optional<LibSecp256k1> NATIVE = LibSecp256k1.load();

  private Secp256k1() {}

  /** x || y of a point, 32 bytes each. */
  static byte[] uncompressedXy(ECPoint point) {
    byte[] encoded = point.normalize().getEncoded(false); // 0x04 || x || y
    byte[] xy = new byte[64];
    System.arraycopy(encoded, 1, xy, 0, 64);
    return xy;
  }

  /** A big-endian unsigned integer as exactly 32 bytes. */
  static byte[] toBytes32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }
}
