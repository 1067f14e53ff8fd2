package network.mysterium.identity;

/** Parameters of the key-derivation function that turns a passphrase into a keystore key. */
public sealed interface KdfParams permits KdfParams.Scrypt, KdfParams.Pbkdf2 {
  /** The largest memory a KDF may need on import (128 * r * n bytes for scrypt): 1 GiB. */
  long MAX_MEMORY_BYTES = 1L << 30;

  /** The largest PBKDF2 iteration count accepted on import. */
  int MAX_PBKDF2_ITERATIONS = 10_000_000;

  /** geth's "standard" scrypt: about a second and 256 MiB per unlock. New keys use it. */
  Scrypt STANDARD = new Scrypt(1 << 18, 8, 1);

  /** geth's "light" scrypt, for tests and constrained devices. */
  Scrypt LIGHT = new Scrypt(1 << 12, 8, 6);

  /** scrypt with cost n (a power of two), block size r and parallelism p. */
  record Scrypt(int n, int r, int p) implements KdfParams {
    public Scrypt {
      if (n < 2 || Integer.bitCount(n) != 1) {
        throw new IllegalArgumentException("scrypt n must be a power of two above 1, got " + n);
      }
      if (r < 1 || p < 1 || p > 16) {
        throw new IllegalArgumentException("scrypt r and p must be positive (p at most 16)");
      }
      if (128L * r * n > MAX_MEMORY_BYTES) {
        throw new IllegalArgumentException("scrypt parameters need more than 1 GiB of memory");
      }
    }
  }

  /** PBKDF2 with HMAC-SHA256 and c iterations (accepted on import; new keys use scrypt). */
  record Pbkdf2(int c) implements KdfParams {
    public Pbkdf2 {
      if (c < 1 || c > MAX_PBKDF2_ITERATIONS) {
        throw new IllegalArgumentException("pbkdf2 iterations must be 1.." + MAX_PBKDF2_ITERATIONS);
      }
    }
  }
}
