package network.mysterium.service.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The order of WireGuard's DoS checks (paper 5.3; the kernel's receive path): mac1 before anything,
 * load counted from valid-mac1 initiations only, cookies under load, a rate per source for those
 * that prove their address. mac1 and mac2 are checked against the paper's construction computed
 * independently, by Python's hashlib.blake2s.
 */
class InitiationGateTest {
  private final SecureRandom random = new SecureRandom();
  private final byte[] responderPrivate = WireGuardCrypto.newPrivateKey(random);
  private final byte[] responderPublic = WireGuardCrypto.publicKey(responderPrivate);
  private final byte[] initiatorPrivate = WireGuardCrypto.newPrivateKey(random);
  private final InetSocketAddress sender = new InetSocketAddress("192.0.2.7", 51820);
  private final Refusals refusals = new Refusals("test");

  private byte[] initiation(byte[] cookie) {
    return new Initiator(initiatorPrivate, responderPublic, new byte[32], random.nextInt())
        .initiation(random, Instant.now(), cookie);
  }

  @Test
  void garbageIsDroppedAtMac1AndDoesNotPutTheDeviceUnderLoad() {
    InitiationGate gate = new InitiationGate(responderPublic, 1, random, refusals);
    for (int i = 0; i < 1000; i++) {
      byte[] garbage = new byte[Initiator.INITIATION_SIZE];
      random.nextBytes(garbage);
      garbage[0] = 1;
      assertThat(gate.check(garbage, sender, 0)).isEqualTo(InitiationGate.Verdict.DROP);
    }
    assertThat(refusals.count(HandshakeRefusal.BAD_MAC1)).isEqualTo(1000);
    // a real initiation in the same second is answered, not sent a cookie
    assertThat(gate.check(initiation(null), sender, 1)).isEqualTo(InitiationGate.Verdict.ANSWER);
    assertThat(refusals.count(HandshakeRefusal.COOKIE_SENT)).isZero();
  }

  @Test
  void underLoadACookieIsNeededAndEachSourceGetsItsRateAfterProvingItsAddress() throws Exception {
    InitiationGate gate = new InitiationGate(responderPublic, 0, random, refusals);
    byte[] first = initiation(null);
    assertThat(gate.check(first, sender, 0)).isEqualTo(InitiationGate.Verdict.COOKIE);
    byte[] reply = gate.cookieReply(first, sender, 0);
    byte[] cookie = Cookies.openReply(reply, responderPublic, Arrays.copyOfRange(first, 116, 132));
    // another address cannot use this cookie
    assertThat(gate.check(initiation(cookie), new InetSocketAddress("192.0.2.8", 51820), 1))
        .isEqualTo(InitiationGate.Verdict.COOKIE);

    int answered = 0;
    for (int i = 0; i < 50; i++) {
      if (gate.check(initiation(cookie), sender, 2) == InitiationGate.Verdict.ANSWER) {
        answered++;
      }
    }
    assertThat(answered).as("a burst per source").isEqualTo(InitiationGate.PER_SOURCE_BURST);
    assertThat(refusals.count(HandshakeRefusal.RATE_LIMITED)).isEqualTo(50 - answered);
    long later = 2 + TimeUnit.SECONDS.toNanos(1) / InitiationGate.PER_SOURCE_PER_SECOND;
    assertThat(gate.check(initiation(cookie), sender, later))
        .as("one more after 1/20 s")
        .isEqualTo(InitiationGate.Verdict.ANSWER);
    assertThat(gate.check(initiation(cookie), sender, later))
        .isEqualTo(InitiationGate.Verdict.DROP);
  }

  @Test
  void mac1AndMac2AreThePapersConstructionComputedByAnIndependentBlake2s() throws Exception {
    byte[] cookie = new byte[16];
    random.nextBytes(cookie);
    byte[] message = initiation(cookie);
    // paper 5.4.4: mac1 = MAC(HASH("mac1----" || S_pub_r), msg_a), mac2 = MAC(cookie, msg_b);
    // MAC is keyed BLAKE2s with a 16-byte digest, HASH is BLAKE2s-256
    String script =
        """
        import hashlib, sys
        pub, cookie, msg = (bytes.fromhex(a) for a in sys.argv[1:4])
        key = hashlib.blake2s(b"mac1----" + pub).digest()
        mac1 = hashlib.blake2s(msg[:116], key=key, digest_size=16).digest()
        mac2 = hashlib.blake2s(msg[:132], key=cookie, digest_size=16).digest()
        print(mac1.hex() + " " + mac2.hex())
        """;
    HexFormat hex = HexFormat.of();
    Process python =
        new ProcessBuilder(
                List.of(
                    "python3",
                    "-c",
                    script,
                    hex.formatHex(responderPublic),
                    hex.formatHex(cookie),
                    hex.formatHex(message)))
            .redirectErrorStream(true)
            .start();
    String out;
    try {
      out = new String(python.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      assertThat(python.waitFor(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      python.destroyForcibly();
    }
    assertThat(out)
        .isEqualTo(
            hex.formatHex(Arrays.copyOfRange(message, 116, 132))
                + " "
                + hex.formatHex(Arrays.copyOfRange(message, 132, 148)));
  }
}
