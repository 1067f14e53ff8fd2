package network.mysterium.messaging;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the envelope of a known sender: any envelope bytes, signed by a registered identity and
 * sealed to the receiver, so every check after the signature (version, addresses, message id,
 * freshness, replay) and the payload decoders see mutated input. Seeds: real envelopes ({@link
 * AfterTheMacCorpusTest}).
 */
@Tag("fuzz-target-envelope") // its own fuzzing JVM (node-core/pom.xml)
class SignedEnvelopeFuzzTest {
  private static final Messenger RECEIVER = AfterTheMac.receiver();

  /** Every build fuzzes for a few seconds. */
  @Tag("fuzz-brief")
  @FuzzTest(maxDuration = "10s")
  void anyEnvelopeOfAKnownSenderIsOpenedOrRefused(byte[] envelope) {
    AfterTheMac.open(RECEIVER, AfterTheMac.sealed(AfterTheMac.signedByAlice(envelope)));
  }

  /** {@code ./mvnw -pl node-core -am test -Pfuzz -Dtest=SignedEnvelopeFuzzTest}: ten minutes. */
  @Tag("fuzz-long")
  @FuzzTest(maxDuration = "10m")
  void anyEnvelopeOfAKnownSenderIsOpenedOrRefusedLong(byte[] envelope) {
    AfterTheMac.open(RECEIVER, AfterTheMac.sealed(AfterTheMac.signedByAlice(envelope)));
  }
}
