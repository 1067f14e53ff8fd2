package network.mysterium.service.wireguard;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an initiation may cost before any Diffie-Hellman (WireGuard paper, section 5.3, and the
 * kernel's receive path): mac1 first (one BLAKE2s; garbage stops here and does not count toward
 * load); then, only when more valid-mac1 initiations arrived in the last second than the device
 * answers freely, a valid mac2 is required (else a cookie reply is sent) and each source address
 * gets at most {@link #PER_SOURCE_PER_SECOND} a second, so a sender that answers cookies cannot
 * force unbounded X25519 either.
 */
final class InitiationGate {
  /** The kernel's and wireguard-go's ratelimiter: 20 a second per address, bursts of 5. */
  static final int PER_SOURCE_PER_SECOND = 20;

  static final int PER_SOURCE_BURST = 5;
  private static final long SECOND = 1_000_000_000L;
  private static final long TOKEN = SECOND / PER_SOURCE_PER_SECOND;
  // the table is bounded: past it the oldest sources are forgotten (they proved their address)
  private static final int SOURCES = 4096;

  enum Verdict {
    ANSWER,
    COOKIE,
    DROP
  }

  private final byte[] mac1Key;
  private final Cookies cookies;
  private final int underLoadPerSecond;
  private final Refusals refusals;
  private final Map<String, long[]> buckets =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
          return size() > SOURCES;
        }
      };
  private long windowStart = Long.MIN_VALUE;
  private int windowCount;

  InitiationGate(byte[] ourPublic, int underLoadPerSecond, SecureRandom random, Refusals refusals) {
    this.mac1Key = WireGuardCrypto.hash(WireGuardCrypto.LABEL_MAC1, ourPublic);
    this.cookies = new Cookies(ourPublic, random);
    this.underLoadPerSecond = underLoadPerSecond;
    this.refusals = refusals;
  }

  /** Whether a 148-byte initiation gets answered, a cookie reply, or nothing (counted). */
  Verdict check(byte[] initiation, InetSocketAddress sender, long now) {
    byte[] mac1 = WireGuardCrypto.mac(mac1Key, initiation, 116);
    if (!MessageDigest.isEqual(mac1, Arrays.copyOfRange(initiation, 116, 132))) {
      refusals.count(HandshakeRefusal.BAD_MAC1, sender);
      return Verdict.DROP;
    }
    if (!underLoad(now)) {
      return Verdict.ANSWER;
    }
    if (!cookies.mac2Valid(initiation, 132, sender, now)) {
      refusals.count(HandshakeRefusal.COOKIE_SENT, sender);
      return Verdict.COOKIE;
    }
    if (!allow(sender.getAddress(), now)) {
      refusals.count(HandshakeRefusal.RATE_LIMITED, sender);
      return Verdict.DROP;
    }
    return Verdict.ANSWER;
  }

  /** The cookie reply to an initiation that {@link #check} answered with COOKIE. */
  byte[] cookieReply(byte[] initiation, InetSocketAddress sender, long now) {
    int senderIndex = ByteBuffer.wrap(initiation, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return cookies.reply(senderIndex, Arrays.copyOfRange(initiation, 116, 132), sender, now);
  }

  /** Counts one valid-mac1 initiation; more than the limit in the current second is load. */
  private synchronized boolean underLoad(long now) {
    if (windowStart == Long.MIN_VALUE || now - windowStart >= SECOND) {
      windowStart = now;
      windowCount = 0;
    }
    windowCount++;
    return windowCount > underLoadPerSecond;
  }

  /** A token bucket per IPv4 address or IPv6 /64 (one host usually holds a whole /64). */
  private synchronized boolean allow(InetAddress address, long now) {
    byte[] bytes = address.getAddress();
    String key = HexFormat.of().formatHex(bytes.length == 16 ? Arrays.copyOf(bytes, 8) : bytes);
    long[] bucket = buckets.computeIfAbsent(key, k -> new long[] {PER_SOURCE_BURST * TOKEN, now});
    bucket[0] = Math.min(PER_SOURCE_BURST * TOKEN, bucket[0] + (now - bucket[1]));
    bucket[1] = now;
    if (bucket[0] < TOKEN) {
      return false;
    }
    bucket[0] -= TOKEN;
    return true;
  }
}
