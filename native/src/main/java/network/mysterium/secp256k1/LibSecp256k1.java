package network.mysterium.secp256k1;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * Bitcoin Core's libsecp256k1 (the system library, Debian package {@code libsecp256k1-1}, built
 * with its recovery module), called through the FFM API. About five times faster than Bouncy Castle
 * for recovery and signing, which sets how many proposals a node verifies per second and how many
 * promises a provider checks. Callers fall back to Java when {@link #load()} finds no library.
 *
 * <p>Calls are "critical" downcalls that read and write Java arrays in place: no native copy of a
 * secret key is ever made, and each call costs tens of nanoseconds. The context is created once,
 * randomised against side channels, and only used read-only after that, which libsecp256k1
 * documents as safe from any number of threads.
 */
public final class LibSecp256k1 {
  /** Where to look, in order; {@code mysterium.secp256k1.library} names a file to use instead. */
  private static final List<String> NAMES =
      List.of(
          "libsecp256k1.so.2",
          "libsecp256k1.so.1",
          "libsecp256k1.so",
          "libsecp256k1.dylib",
          "libsecp256k1.2.dylib",
          "libsecp256k1.1.dylib",
          "libsecp256k1-2.dll",
          "secp256k1.dll");

  // Flags from secp256k1.h: a signing and verifying context (accepted by every release), and
  // the uncompressed serialisation.
  private static final int CONTEXT_SIGN_AND_VERIFY = (1 << 0) | (1 << 8) | (1 << 9);
  private static final int EC_UNCOMPRESSED = 1 << 1;
  private static final int OPAQUE_PUBKEY = 64;
  private static final int OPAQUE_RECOVERABLE_SIGNATURE = 65;

  private final MemorySegment context;
  private final MethodHandle parseRecoverable;
  private final MethodHandle recover;
  private final MethodHandle serializePublicKey;
  private final MethodHandle parsePublicKey;
  private final MethodHandle signRecoverable;
  private final MethodHandle serializeRecoverable;
  private final MethodHandle createPublicKey;
  private final MethodHandle tweakMultiply;
  private final MethodHandle ecdh;
  // secp256k1_ecdh's hash callback: copies x, so the output is the raw x coordinate ECIES needs.
  private final MemorySegment rawX;

  private LibSecp256k1(SymbolLookup library) throws Throwable {
    Linker linker = Linker.nativeLinker();
    ValueLayout.OfInt cint = ValueLayout.JAVA_INT;
    var ptr = ValueLayout.ADDRESS;
    var critical = Linker.Option.critical(true);
    MethodHandle create =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_context_create"), FunctionDescriptor.of(ptr, cint));
    MethodHandle randomize =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_context_randomize"),
            FunctionDescriptor.of(cint, ptr, ptr),
            critical);
    parseRecoverable =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_ecdsa_recoverable_signature_parse_compact"),
            FunctionDescriptor.of(cint, ptr, ptr, ptr, cint),
            critical);
    recover =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_ecdsa_recover"),
            FunctionDescriptor.of(cint, ptr, ptr, ptr, ptr),
            critical);
    serializePublicKey =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_ec_pubkey_serialize"),
            FunctionDescriptor.of(cint, ptr, ptr, ptr, ptr, cint),
            critical);
    parsePublicKey =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_ec_pubkey_parse"),
            FunctionDescriptor.of(cint, ptr, ptr, ptr, ValueLayout.JAVA_LONG),
            critical);
    signRecoverable =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_ecdsa_sign_recoverable"),
            FunctionDescriptor.of(cint, ptr, ptr, ptr, ptr, ptr, ptr),
            critical);
    serializeRecoverable =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_ecdsa_recoverable_signature_serialize_compact"),
            FunctionDescriptor.of(cint, ptr, ptr, ptr, ptr),
            critical);
    createPublicKey =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_ec_pubkey_create"),
            FunctionDescriptor.of(cint, ptr, ptr, ptr),
            critical);
    tweakMultiply =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_ec_pubkey_tweak_mul"),
            FunctionDescriptor.of(cint, ptr, ptr, ptr),
            critical);
    // Not critical: secp256k1_ecdh calls back into Java (rawX), which critical calls may not do.
    ecdh =
        linker.downcallHandle(
            library.findOrThrow("secp256k1_ecdh"),
            FunctionDescriptor.of(cint, ptr, ptr, ptr, ptr, ptr, ptr));
    rawX =
        linker.upcallStub(
            java.lang.invoke.MethodHandles.lookup()
                .findStatic(
                    LibSecp256k1.class,
                    "copyX",
                    java.lang.invoke.MethodType.methodType(
                        int.class,
                        MemorySegment.class,
                        MemorySegment.class,
                        MemorySegment.class,
                        MemorySegment.class)),
            FunctionDescriptor.of(cint, ptr, ptr, ptr, ptr),
            Arena.global());
    // Never destroyed: one context lives as long as the process, as libsecp256k1 intends.
    context = (MemorySegment) create.invokeExact(CONTEXT_SIGN_AND_VERIFY);
    if (context.equals(MemorySegment.NULL)) {
      throw new IllegalStateException("secp256k1_context_create failed");
    }
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    int randomized = (int) randomize.invokeExact(context, MemorySegment.ofArray(seed));
    java.util.Arrays.fill(seed, (byte) 0);
    if (randomized != 1) {
      throw new IllegalStateException("secp256k1_context_randomize failed");
    }
  }

  /**
   * The library, when the system has one with the recovery module; empty otherwise (no library, an
   * old one without recovery, or native access not enabled for this code).
   */
  public static Optional<LibSecp256k1> load() {
    String explicit = System.getProperty("mysterium.secp256k1.library");
    return load(explicit != null ? List.of(explicit) : NAMES);
  }

  /** The first of these libraries (names or paths) that loads, with the recovery module. */
  static Optional<LibSecp256k1> load(List<String> candidates) {
    for (String name : candidates) {
      try {
        return Optional.of(new LibSecp256k1(SymbolLookup.libraryLookup(name, Arena.global())));
      } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
        // not this name, or a library without the recovery module: try the next
      } catch (IllegalCallerException e) {
        return Optional.empty(); // native access is disabled for this module
      } catch (Throwable e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * The uncompressed public key (65 bytes, 0x04 || x || y) that made a compact signature (r || s,
   * 64 bytes) with recovery id 0..3 over a 32-byte hash; empty when none does (r or s out of range,
   * r not on the curve). Accepts high s: policy on malleability is the caller's.
   */
  public Optional<byte[]> recover(byte[] compactSignature, int recoveryId, byte[] hash) {
    check(compactSignature, 64, "signature");
    check(hash, 32, "hash");
    byte[] signature = new byte[OPAQUE_RECOVERABLE_SIGNATURE];
    byte[] publicKey = new byte[OPAQUE_PUBKEY];
    try {
      if ((int)
              parseRecoverable.invokeExact(
                  context,
                  MemorySegment.ofArray(signature),
                  MemorySegment.ofArray(compactSignature),
                  recoveryId)
          != 1) {
        return Optional.empty();
      }
      if ((int)
              recover.invokeExact(
                  context,
                  MemorySegment.ofArray(publicKey),
                  MemorySegment.ofArray(signature),
                  MemorySegment.ofArray(hash))
          != 1) {
        return Optional.empty();
      }
      return Optional.of(serialize(publicKey));
    } catch (Throwable e) {
      throw new IllegalStateException("libsecp256k1 call failed", e);
    }
  }

  /**
   * Signs a 32-byte hash with a 32-byte secret key: RFC 6979 nonces, low s. Returns r || s ||
   * recovery id (65 bytes, the id as 0..3).
   */
  public byte[] signRecoverable(byte[] hash, byte[] secretKey) {
    check(hash, 32, "hash");
    check(secretKey, 32, "secret key");
    byte[] signature = new byte[OPAQUE_RECOVERABLE_SIGNATURE];
    byte[] out = new byte[65];
    int[] recoveryId = new int[1];
    try {
      if ((int)
              signRecoverable.invokeExact(
                  context,
                  MemorySegment.ofArray(signature),
                  MemorySegment.ofArray(hash),
                  MemorySegment.ofArray(secretKey),
                  MemorySegment.NULL,
                  MemorySegment.NULL)
          != 1) {
        throw new IllegalArgumentException("secret key is out of range for secp256k1");
      }
      int serialized =
          (int)
              serializeRecoverable.invokeExact(
                  context,
                  MemorySegment.ofArray(out),
                  MemorySegment.ofArray(recoveryId),
                  MemorySegment.ofArray(signature));
      if (serialized != 1) {
        throw new IllegalStateException("secp256k1 could not serialise a signature");
      }
      out[64] = (byte) recoveryId[0];
      return out;
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libsecp256k1 call failed", e);
    }
  }

  /** The uncompressed public key (65 bytes) of a 32-byte secret key. */
  public byte[] publicKey(byte[] secretKey) {
    check(secretKey, 32, "secret key");
    byte[] publicKey = new byte[OPAQUE_PUBKEY];
    try {
      if ((int)
              createPublicKey.invokeExact(
                  context, MemorySegment.ofArray(publicKey), MemorySegment.ofArray(secretKey))
          != 1) {
        throw new IllegalArgumentException("secret key is out of range for secp256k1");
      }
      return serialize(publicKey);
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libsecp256k1 call failed", e);
    }
  }

  /**
   * A point (uncompressed, 65 bytes) times a 32-byte scalar, uncompressed: raw ECDH when the scalar
   * is a secret key.
   */
  public byte[] multiply(byte[] uncompressedPoint, byte[] scalar) {
    check(uncompressedPoint, 65, "public key");
    check(scalar, 32, "scalar");
    byte[] publicKey = new byte[OPAQUE_PUBKEY];
    try {
      if ((int)
              parsePublicKey.invokeExact(
                  context,
                  MemorySegment.ofArray(publicKey),
                  MemorySegment.ofArray(uncompressedPoint),
                  65L)
          != 1) {
        throw new IllegalArgumentException("public key is not a point on secp256k1");
      }
      if ((int)
              tweakMultiply.invokeExact(
                  context, MemorySegment.ofArray(publicKey), MemorySegment.ofArray(scalar))
          != 1) {
        throw new IllegalArgumentException("scalar is out of range for secp256k1");
      }
      return serialize(publicKey);
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libsecp256k1 call failed", e);
    }
  }

  /**
   * Constant-time ECDH (libsecp256k1's ecdh module, {@code secp256k1_ecmult_const}): the x
   * coordinate (32 bytes) of a point times a 32-byte secret key. Unlike {@link #multiply}, whose
   * tweak multiplication is variable-time in the library's older releases, this is safe with a
   * long-term key and an attacker-chosen point. The secret key is copied into native memory for the
   * call (a non-critical call cannot read the Java array) and zeroed before it is freed.
   */
  public byte[] ecdh(byte[] uncompressedPoint, byte[] secretKey) {
    check(uncompressedPoint, 65, "public key");
    check(secretKey, 32, "secret key");
    byte[] publicKey = new byte[OPAQUE_PUBKEY];
    try (Arena arena = Arena.ofConfined()) {
      if ((int)
              parsePublicKey.invokeExact(
                  context,
                  MemorySegment.ofArray(publicKey),
                  MemorySegment.ofArray(uncompressedPoint),
                  65L)
          != 1) {
        throw new IllegalArgumentException("public key is not a point on secp256k1");
      }
      MemorySegment nativePoint = arena.allocate(OPAQUE_PUBKEY);
      MemorySegment.copy(publicKey, 0, nativePoint, ValueLayout.JAVA_BYTE, 0, OPAQUE_PUBKEY);
      MemorySegment nativeSecret = arena.allocate(32);
      MemorySegment output = arena.allocate(32);
      try {
        MemorySegment.copy(secretKey, 0, nativeSecret, ValueLayout.JAVA_BYTE, 0, 32);
        int ok =
            (int)
                ecdh.invokeExact(
                    context, output, nativePoint, nativeSecret, rawX, MemorySegment.NULL);
        if (ok != 1) {
          throw new IllegalArgumentException("secret key is out of range for secp256k1");
        }
        return output.toArray(ValueLayout.JAVA_BYTE);
      } finally {
        nativeSecret.fill((byte) 0);
        output.fill((byte) 0);
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libsecp256k1 call failed", e);
    }
  }

  /** The ECDH "hash": the x coordinate itself (y and data unused). */
  private static int copyX(
      MemorySegment output, MemorySegment x, MemorySegment y, MemorySegment data) {
    MemorySegment.copy(x.reinterpret(32), 0, output.reinterpret(32), 0, 32);
    return 1;
  }

  private byte[] serialize(byte[] opaquePublicKey) throws Throwable {
    byte[] out = new byte[65];
    long[] length = {out.length};
    int ok =
        (int)
            serializePublicKey.invokeExact(
                context,
                MemorySegment.ofArray(out),
                MemorySegment.ofArray(length),
                MemorySegment.ofArray(opaquePublicKey),
                EC_UNCOMPRESSED);
    if (ok != 1 || length[0] != 65) {
      throw new IllegalStateException("secp256k1 could not serialise a public key");
    }
    return out;
  }

  private static void check(byte[] bytes, int length, String what) {
    if (bytes.length != length) {
      throw new IllegalArgumentException(
          "a " + what + " has " + length + " bytes, got " + bytes.length);
    }
  }
}
