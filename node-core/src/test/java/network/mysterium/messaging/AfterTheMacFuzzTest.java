package network.mysterium.messaging;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes what lies behind the ECIES MAC (tests.md a4: random datagrams never get past it): any
 * plaintext is encrypted to the receiver with its real key, so {@link Messenger#open} parses the
 * signed envelope, checks the signature, the recipient and the replay guard, and the payload goes
 * on through the inner decoders. Seeds: real sealed messages ({@link AfterTheMacCorpusTest}).
 */
@Tag("fuzz-target-after-mac") // its own fuzzing JVM (node-core/pom.xml)
class AfterTheMacFuzzTest {
  private static final Messenger RECEIVER = AfterTheMac.receiver();

  /** Every build fuzzes for a few seconds. */
  @Tag("fuzz-brief")
  @FuzzTest(maxDuration = "10s")
  void anyPlaintextPastTheMacIsOpenedOrRefused(byte[] plaintext) {
    AfterTheMac.open(RECEIVER, AfterTheMac.sealed(plaintext));
  }

  /** {@code ./mvnw -pl node-core -am test -Pfuzz -Dtest=AfterTheMacFuzzTest}: ten minutes. */
  @Tag("fuzz-long")
  @FuzzTest(maxDuration = "10m")
  void anyPlaintextPastTheMacIsOpenedOrRefusedLong(byte[] plaintext) {
    AfterTheMac.open(RECEIVER, AfterTheMac.sealed(plaintext));
  }
}
