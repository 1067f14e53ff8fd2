package network.mysterium.messaging;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import network.mysterium.crypto.PrivateKey;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the datagram decoder with Jazzer: whatever the bytes, {@link Messenger#open} either
 * returns a message or throws its own {@link RejectedDatagramException}, nothing else.
 */
@Tag("fuzz-target-datagram") // its own fuzzing JVM (node-core/pom.xml)
class DatagramDecoderFuzzTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final PrivateKey ALICE = PrivateKey.generate(RANDOM);
  private static final PrivateKey BOB = PrivateKey.generate(RANDOM);
  private static final PublicKeyDirectory KEYS =
      MessengerTest.known(
          Map.of(ALICE.address(), ALICE.publicKey(), BOB.address(), BOB.publicKey()));
  private static final Messenger RECEIVER =
      new Messenger(BOB, KEYS, true, Duration.ofMinutes(5), Clock.systemUTC(), RANDOM);

  /** Every build fuzzes for a few seconds. */
  @Tag("fuzz-brief")
  @FuzzTest(maxDuration = "10s")
  void openRefusesMalformedInputWithItsOwnException(byte[] input) {
    open(input);
  }

  /** {@code ./mvnw -pl node-core -am test -Pfuzz -Dtest=DatagramDecoderFuzzTest}: ten minutes. */
  @Tag("fuzz-long")
  @FuzzTest(maxDuration = "10m")
  void openRefusesMalformedInputWithItsOwnExceptionLong(byte[] input) {
    open(input);
  }

  private static void open(byte[] input) {
    try {
      RECEIVER.open(input);
    } catch (RejectedDatagramException expected) {
      // the only way the decoder may refuse
    }
  }
}
