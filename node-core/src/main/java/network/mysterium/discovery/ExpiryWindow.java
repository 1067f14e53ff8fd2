package network.mysterium.discovery;

import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.ProposalExpiry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deployment's proposal expiry applied to the chain as it is: which announcements are still
 * current (consumers) and which are due to be made again (providers, at half the window). Without a
 * clock only the block bound applies.
 */
public final class ExpiryWindow {
  private static final Logger LOG = LoggerFactory.getLogger(ExpiryWindow.class);

  private final ProposalExpiry expiry;
  private final BlockTimes times; // null: blocks only
  private long lastHead = -1;
  private long lastOldest;
  private boolean clockFailed;

  private ExpiryWindow(ProposalExpiry expiry, BlockTimes times) {
    this.expiry = expiry;
    this.times = times;
  }

  /** Both bounds, the time one read from the chain's block timestamps. */
  public static ExpiryWindow of(ProposalExpiry expiry, BlockTimes times) {
    return new ExpiryWindow(expiry, times);
  }

  /** The block bound only. */
  public static ExpiryWindow blocksOnly(long blocks) {
    return new ExpiryWindow(new ProposalExpiry(blocks, java.time.Duration.ofDays(36_500)), null);
  }

  public ProposalExpiry expiry() {
    return expiry;
  }

  /**
   * The oldest block whose announcements are current at {@code head}: within the window in blocks
   * and in time. If the chain cannot tell the time, the block bound alone (logged once).
   */
  public synchronized long oldestCurrent(long head) {
    long byBlocks = head - expiry.blocks();
    if (times == null) {
      return byBlocks;
    }
    try {
      long since = times.secondsAt(head) - expiry.time().toSeconds();
      // The answer only moves forward as the head does: search from the last one (a lower head
      // is a reorg, so start over).
      long low = Math.max(Math.max(0, byBlocks), head >= lastHead ? lastOldest : 0);
      long high = head; // the head itself is always current
      while (low < high) {
        long middle = low + (high - low) / 2;
        if (times.secondsAt(middle) >= since) {
          high = middle;
        } else {
          low = middle + 1;
        }
      }
      lastHead = head;
      lastOldest = low;
      clockFailed = false;
      return Math.max(byBlocks, low);
    } catch (ChainException e) {
      if (!clockFailed) {
        LOG.warn("cannot read block times ({}): expiring proposals by blocks only", e.getMessage());
        clockFailed = true;
      }
      return byBlocks;
    }
  }

  /**
   * Whether an announcement made at {@code announcedBlock} is half-way to expiry at {@code head}.
   */
  public boolean dueAgain(long announcedBlock, long head) throws ChainException {
    if (head - announcedBlock >= expiry.reannounceAfterBlocks()) {
      return true;
    }
    return times != null
        && times.secondsAt(head) - times.secondsAt(announcedBlock)
            >= expiry.reannounceAfterSeconds();
  }
}
