package network.mysterium.contracts;

import java.time.Duration;

/**
 * How long a proposal stays current without being announced again (whitepaper 6.4.1: about 60,000
 * blocks), fixed per deployment so providers and consumers agree. It expires at whichever bound
 * comes first: blocks alone would be 33 hours on a 2-second-block chain and a week on a 10-second
 * one, time alone would let a stalled chain keep dead providers listed.
 */
public record ProposalExpiry(long blocks, Duration time) {
  /** What a deployment file without the field means (files written before it existed). */
  public static final ProposalExpiry DEFAULT = new ProposalExpiry(60_000, Duration.ofDays(7));

  public ProposalExpiry {
    if (blocks < 2 || time.toSeconds() < 2) {
      throw new IllegalArgumentException(
          "a proposal expiry needs at least 2 blocks and 2 seconds: " + blocks + ", " + time);
    }
  }

  /** Providers announce again once half the window has passed, in blocks or in time. */
  public long reannounceAfterBlocks() {
    return blocks / 2;
  }

  public long reannounceAfterSeconds() {
    return time.toSeconds() / 2;
  }
}
