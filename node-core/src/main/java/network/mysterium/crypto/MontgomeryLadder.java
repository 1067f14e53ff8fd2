package network.mysterium.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Field;

/**
 * ECDH without libsecp256k1, in constant time: an x-only Montgomery ladder on secp256k1 (y² = x³ +
 * 7), Brier and Joye's formulas in projective (X : Z). Every one of the 256 steps does the same
 * field operations whatever the key bit, and the bit picks operands by a masked swap, not a branch.
 * The field arithmetic is Bouncy Castle's fixed-width {@link SecP256K1Field} (its inversion is the
 * constant-time safegcd); Bouncy Castle's own point multiplication (wNAF) would leak the key's bits
 * through timing, and the node multiplies attacker-chosen points by its identity key.
 */
final class MontgomeryLadder {
  private static final int[] FOUR_B = SecP256K1Field.fromBigInteger(BigInteger.valueOf(28));
  private static final int[] EIGHT_B = SecP256K1Field.fromBigInteger(BigInteger.valueOf(56));

  private MontgomeryLadder() {}

  /** x of scalar · P (32 bytes), from x of P; the scalar is 32 big-endian bytes in [1, n). */
  static byte[] x(byte[] peerX, byte[] scalar) {
    int[] xP = SecP256K1Field.fromBigInteger(new BigInteger(1, peerX));
    // R0 = O = (1 : 0), R1 = P = (x : 1); R1 - R0 = P throughout.
    int[] x0 = one();
    int[] z0 = new int[8];
    int[] x1 = xP.clone();
    int[] z1 = one();
    int swap = 0;
    for (int i = 255; i >= 0; i--) {
      int bit = (scalar[31 - (i >>> 3)] >>> (i & 7)) & 1;
      swap ^= bit;
      conditionalSwap(x0, x1, swap);
      conditionalSwap(z0, z1, swap);
      swap = bit;
      // R1 = R0 + R1 (difference P), R0 = 2 R0
      int[][] sum = add(x0, z0, x1, z1, xP);
      int[][] twice = dbl(x0, z0);
      System.arraycopy(sum[0], 0, x1, 0, 8);
      System.arraycopy(sum[1], 0, z1, 0, 8);
      System.arraycopy(twice[0], 0, x0, 0, 8);
      System.arraycopy(twice[1], 0, z0, 0, 8);
    }
    conditionalSwap(x0, x1, swap);
    conditionalSwap(z0, z1, swap);
    int[] inverse = new int[8];
    SecP256K1Field.inv(z0, inverse);
    int[] x = new int[8];
    SecP256K1Field.multiply(x0, inverse, x);
    byte[] out = new byte[32];
    for (int i = 0; i < 8; i++) { // little-endian 32-bit limbs to big-endian bytes
      int limb = x[i];
      int at = 28 - 4 * i;
      out[at] = (byte) (limb >>> 24);
      out[at + 1] = (byte) (limb >>> 16);
      out[at + 2] = (byte) (limb >>> 8);
      out[at + 3] = (byte) limb;
    }
    for (int[] limbs : new int[][] {x0, z0, x1, z1, inverse, x}) {
      Arrays.fill(limbs, 0);
    }
    return out;
  }

  /** x(2R) = (X⁴ − 8bXZ³) / 4Z(X³ + bZ³). */
  private static int[][] dbl(int[] x, int[] z) {
    int[] xx = new int[8];
    int[] zz = new int[8];
    int[] zzz = new int[8];
    int[] t = new int[8];
    int[] outX = new int[8];
    int[] outZ = new int[8];
    SecP256K1Field.square(x, xx);
    SecP256K1Field.square(z, zz);
    SecP256K1Field.multiply(zz, z, zzz);
    SecP256K1Field.square(xx, outX); // X⁴
    SecP256K1Field.multiply(x, zzz, t);
    SecP256K1Field.multiply(t, EIGHT_B, t);
    SecP256K1Field.subtract(outX, t, outX);
    SecP256K1Field.multiply(xx, x, t); // X³
    int[] bz3 = new int[8];
    SecP256K1Field.multiply(zzz, FOUR_B, bz3); // 4bZ³ = 28 Z³; b Z³ = 7 Z³ = bz3 / 4
    SecP256K1Field.twice(t, t);
    SecP256K1Field.twice(t, t); // 4X³
    SecP256K1Field.add(t, bz3, t); // 4(X³ + bZ³)
    SecP256K1Field.multiply(t, z, outZ);
    return new int[][] {outX, outZ};
  }

  /** x(R + S) = ((X1X2)² − 4b Z1Z2(X1Z2 + X2Z1)) / xD (X1Z2 − X2Z1)², with xD = x(S − R). */
  private static int[][] add(int[] x1, int[] z1, int[] x2, int[] z2, int[] xD) {
    int[] a = new int[8];
    int[] b = new int[8];
    int[] t = new int[8];
    int[] u = new int[8];
    int[] outX = new int[8];
    int[] outZ = new int[8];
    SecP256K1Field.multiply(x1, z2, a);
    SecP256K1Field.multiply(x2, z1, b);
    SecP256K1Field.multiply(x1, x2, t);
    SecP256K1Field.square(t, outX);
    SecP256K1Field.multiply(z1, z2, t);
    SecP256K1Field.add(a, b, u);
    SecP256K1Field.multiply(t, u, t);
    SecP256K1Field.multiply(t, FOUR_B, t);
    SecP256K1Field.subtract(outX, t, outX);
    SecP256K1Field.subtract(a, b, u);
    SecP256K1Field.square(u, u);
    SecP256K1Field.multiply(u, xD, outZ);
    return new int[][] {outX, outZ};
  }

  private static void conditionalSwap(int[] a, int[] b, int swap) {
    int mask = -swap;
    for (int i = 0; i < 8; i++) {
      int t = mask & (a[i] ^ b[i]);
      a[i] ^= t;
      b[i] ^= t;
    }
  }

  private static int[] one() {
    int[] one = new int[8];
    one[0] = 1;
    return one;
  }
}
