package network.mysterium.service.wireguard;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: the tunnel's hot path, one 1420-byte packet sealed by one side and opened by the other, in
 * place (as the device does it), against a bare JDK ChaCha20-Poly1305 seal of the same size in the
 * same run; and one whole handshake (initiation, answer, response checked). Run through {@code
 * WireGuardBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TransportBenchmark {
  private static final int PACKET = 1420;
  private final SecureRandom random = new SecureRandom();
  private Session sender;
  private Session receiver;
  private Cipher sealCipher;
  private Cipher openCipher;
  private Cipher bare;
  private SecretKeySpec bareKey;
  private final byte[] buffer = new byte[PACKET + Session.OVERHEAD + 16];
  private long counter;
  private byte[] alice;
  private byte[] bob;
  private byte[] alicePublic;
  private Responder responder;

  @Setup
  public void setUp() throws Exception {
    alice = WireGuardCrypto.newPrivateKey(random);
    bob = WireGuardCrypto.newPrivateKey(random);
    alicePublic = WireGuardCrypto.publicKey(alice);
    responder = new Responder(bob);
    Initiator initiator = new Initiator(alice, WireGuardCrypto.publicKey(bob), new byte[32], 1);
    Responder.Answer answer =
        responder.answer(
            initiator.initiation(random, Instant.now()),
            key -> Responder.KnownPeer.fresh(),
            2,
            random);
    sender = initiator.consume(answer.response());
    receiver = answer.session();
    sealCipher = Session.newCipher();
    openCipher = Session.newCipher();
    bare = Session.newCipher();
    byte[] key = new byte[32];
    random.nextBytes(key);
    bareKey = new SecretKeySpec(key, "ChaCha20");
    random.nextBytes(buffer);
  }

  @Benchmark
  public int sealAndOpenOnePacket() throws Exception {
    buffer[16] = 0x45; // an IPv4 header's first byte, as the device sees it
    int length = sender.sealInPlace(buffer, PACKET, sealCipher);
    return receiver.openInPlace(buffer, length, openCipher);
  }

  @Benchmark
  public int bareChaCha20Poly1305Seal() throws Exception {
    byte[] nonce = new byte[12];
    long n = ++counter;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (n >>> (8 * i));
    }
    bare.init(Cipher.ENCRYPT_MODE, bareKey, new IvParameterSpec(nonce));
    return bare.doFinal(buffer, 16, PACKET, buffer, 16);
  }

  @Benchmark
  public Session wholeHandshake() throws Exception {
    Initiator initiator =
        new Initiator(alice, WireGuardCrypto.publicKey(bob), new byte[32], random.nextInt());
    Responder.Answer answer =
        responder.answer(
            initiator.initiation(random, Instant.now()),
            key -> Responder.KnownPeer.fresh(),
            random.nextInt(),
            random);
    return initiator.consume(answer.response());
  }
}
