package network.mysterium.service.wireguard;

/**
 * The receiver's sliding window over transport counters (WireGuard paper, section 5.4.6, after RFC
 * 6479): a counter is accepted once, and not when it falls behind the newest by more than the
 * window. Only authenticated messages are marked, so forged counters cannot move it.
 */
final class ReplayWindow {
  static final int SIZE = 2048;
  private final long[] bits = new long[SIZE / 64];
  private long newest = -1;

  /** Marks the counter as seen; false when it was seen before or is too old. */
  synchronized boolean accept(long counter) {
    if (counter < 0) {
      return false;
    }
    if (counter > newest) {
      long shift = newest < 0 ? SIZE : Math.min(SIZE, counter - newest);
      for (long c = counter - shift + 1; c <= counter; c++) {
        if (c > newest) {
          clear(c);
        }
      }
      newest = counter;
      set(counter);
      return true;
    }
    if (newest - counter >= SIZE) {
      return false;
    }
    if (isSet(counter)) {
      return false;
    }
    set(counter);
    return true;
  }

  private int word(long counter) {
    return (int) ((counter / 64) % bits.length);
  }

  private void set(long counter) {
    bits[word(counter)] |= 1L << (counter % 64);
  }

  private void clear(long counter) {
    bits[word(counter)] &= ~(1L << (counter % 64));
  }

  private boolean isSet(long counter) {
    return (bits[word(counter)] & (1L << (counter % 64))) != 0;
  }
}
