package network.mysterium.discovery;

import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.EthereumClient;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;

/**
 * The chain's clock: when a block was made, in seconds since the epoch (its header's timestamp).
 */
@FunctionalInterface
public interface BlockTimes {
  long secondsAt(long block) throws ChainException;

  /**
   * Asks the chain, remembering the last few hundred answers (a block's time does not change, short
   * of a reorg, and the expiry window asks about the same blocks again and again).
   */
  static BlockTimes of(EthereumClient client) {
    Map<Long, Long> known =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > 512;
          }
        };
    return block -> {
      synchronized (known) {
        Long seconds = known.get(block);
        if (seconds != null) {
          return seconds;
        }
      }
      EthBlock answer;
      try {
        answer =
            client
                .web3()
                .ethGetBlockByNumber(
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false)
                .send();
      } catch (IOException e) {
        throw new ChainException("cannot read block " + block + ": " + e.getMessage(), e);
      }
      if (answer.hasError() || answer.getBlock() == null) {
        throw new ChainException("the chain has no block " + block);
      }
      long seconds = answer.getBlock().getTimestamp().longValueExact();
      synchronized (known) {
        known.put(block, seconds);
      }
      return seconds;
    };
  }
}
