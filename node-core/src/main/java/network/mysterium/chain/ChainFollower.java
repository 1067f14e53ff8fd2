package network.mysterium.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Follows the three contracts' events into the {@link ChainIndex}: reads logs in block ranges that
 * grow while the node answers and shrink when it refuses, stays {@code confirmations} blocks behind
 * the head, resumes from its cursor after a restart, and, when the block under its cursor is no
 * longer on the chain (a reorg), rewinds to the newest block it processed that still is.
 */
public final class ChainFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChainFollower.class);

  /**
   * @param startBlock the first block to read (the contracts' deployment block)
   * @param confirmations how far behind the head to stay; reorgs shallower than this never reach
   *     the index
   * @param maxRange the most blocks one {@code eth_getLogs} asks for
   */
  public record Config(
      ContractAddresses contracts,
      long startBlock,
      int confirmations,
      int maxRange,
      Duration pollInterval) {
    public Config {
      if (startBlock < 0 || confirmations < 0 || maxRange < 1) {
        throw new IllegalArgumentException("startBlock, confirmations >= 0 and maxRange >= 1");
      }
    }
  }

  /** What one poll did. */
  public record Progress(long fromBlock, long toBlock, int events, Optional<Long> rewoundTo) {}

  /**
   * What the last completed poll saw: the chain's head then, and which poll it was (counted from
   * 1), so readers of the index know the head without asking the chain, and whether anything may
   * have changed since they last looked.
   */
  public record Seen(long head, long round) {}

  private final Web3j web3;
  private final ChainIndex index;
  private final Config config;
  private final EventDecoder decoder;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("chain-follower").daemon().factory());
  private int range;
  private volatile Seen seen;
  private final Map<EventRefusal, java.util.concurrent.atomic.AtomicLong> refusals =
      new java.util.EnumMap<>(EventRefusal.class);

  /**
   * The follower of a deployment's contracts into a node database: no confirmations on a local
   * development chain, 12 elsewhere.
   */
  public static ChainFollower forDeployment(
      network.mysterium.contracts.EthereumClient client,
      network.mysterium.store.Database database,
      network.mysterium.contracts.Deployment deployment) {
    return new ChainFollower(
        client.web3(),
        new ChainIndex(database),
        new Config(
            ContractAddresses.of(deployment),
            deployment.startBlock(),
            client.chainId() == network.mysterium.contracts.EthereumClient.DEV_CHAIN_ID ? 0 : 12,
            2000,
            java.time.Duration.ofMillis(500)));
  }

  public ChainFollower(Web3j web3, ChainIndex index, Config config) {
    this.web3 = web3;
    this.index = index;
    this.config = config;
    this.decoder = new EventDecoder(config.contracts());
    this.range = Math.min(500, config.maxRange());
    for (EventRefusal reason : EventRefusal.values()) {
      refusals.put(reason, new java.util.concurrent.atomic.AtomicLong());
    }
  }

  /** Polls every {@code pollInterval} in the background until closed; failures are retried. */
  public void start() {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            pollOnce();
          } catch (IOException | StoreException | RuntimeException e) {
            if (!scheduler.isShutdown()) { // an interrupted poll at close is no failure
              LOG.warn("chain follower: {} (retrying)", e.getMessage());
            }
          }
        },
        0,
        config.pollInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Catches up to head minus confirmations (checking for a reorg first). */
  public synchronized Progress pollOnce() throws IOException, StoreException {
    long chainId = config.contracts().chainId();
    Optional<Long> rewoundTo = Optional.empty();
    Optional<ChainIndex.BlockRef> cursor = index.cursor(chainId);
    if (cursor.isPresent() && !onChain(cursor.get())) {
      Optional<ChainIndex.BlockRef> ancestor = commonAncestor();
      index.rewindTo(chainId, ancestor);
      rewoundTo =
          Optional.of(ancestor.map(ChainIndex.BlockRef::number).orElse(config.startBlock() - 1));
      LOG.warn(
          "chain reorg below block {}: rewound to block {}",
          cursor.get().number(),
          rewoundTo.get());
      cursor = ancestor;
    }
    long from = cursor.map(c -> c.number() + 1).orElse(config.startBlock());
    long head = blockNumber();
    long target = head - config.confirmations();
    int events = 0;
    long next = from;
    while (next <= target) {
      long to = Math.min(target, next + range - 1);
      Optional<Chunk> chunk = readChunk(next, to);
      if (chunk.isEmpty()) {
        if (range == 1) {
          throw new IOException("the node refuses logs of block " + next);
        }
        range = Math.max(1, range / 2);
        continue;
      }
      index.ingest(chainId, chunk.get().events(), chunk.get().blocks(), chunk.get().end());
      events += chunk.get().events().size();
      next = to + 1;
      range = Math.min(config.maxRange(), range * 2);
    }
    seen = new Seen(head, seen == null ? 1 : seen.round() + 1);
    return new Progress(from, Math.max(from - 1, target), events, rewoundTo);
  }

  private record Chunk(
      List<ChainEvent> events, List<ChainIndex.BlockRef> blocks, ChainIndex.BlockRef end) {}

  /**
   * Reads one range, or empty when the node refused it (too many logs for its limits). The end
   * block's hash is read before and after the logs: if they differ, the chain moved under us and
   * the range is read again, so stored logs always belong to the stored hashes.
   */
  private Optional<Chunk> readChunk(long from, long to) throws IOException {
    while (true) {
      String before = blockHash(to).orElseThrow(() -> new IOException("block " + to + " vanished"));
      EthLog response =
          web3.ethGetLogs(
                  new EthFilter(
                      DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                      DefaultBlockParameter.valueOf(BigInteger.valueOf(to)),
                      List.of(
                          config.contracts().identityRegistry().toString(),
                          config.contracts().serviceRegistry().toString(),
                          config.contracts().payments().toString())))
              .send();
      if (response.hasError()) {
        LOG.debug("eth_getLogs {}..{} refused: {}", from, to, response.getError().getMessage());
        return Optional.empty();
      }
      if (!before.equals(blockHash(to).orElse(""))) {
        continue;
      }
      List<ChainEvent> events = new ArrayList<>();
      Map<Long, ChainIndex.BlockRef> blocks = new LinkedHashMap<>();
      for (EthLog.LogResult<?> result : response.getLogs()) {
        if (!(result.get() instanceof Log log)
            || log.getBlockNumber() == null
            || log.getBlockNumber().bitLength() > 62
            || log.getBlockHash() == null) {
          refused(EventRefusal.MALFORMED, "a log without its block", null);
          continue;
        }
        long block = log.getBlockNumber().longValue();
        blocks.put(block, new ChainIndex.BlockRef(block, log.getBlockHash()));
        try {
          decoder.decode(log).ifPresent(events::add);
        } catch (RefusedEventException e) {
          refused(e.reason(), e.getMessage(), log);
        }
      }
      ChainIndex.BlockRef end = new ChainIndex.BlockRef(to, before);
      blocks.put(to, end);
      return Optional.of(new Chunk(events, List.copyOf(blocks.values()), end));
    }
  }

  /**
   * A skipped log: counted by reason; the first of each reason is a warning, the rest are debug
   * lines, so a flood of bad events cannot flood the log.
   */
  private void refused(EventRefusal reason, String detail, Log log) {
    long count = refusals.get(reason).incrementAndGet();
    String at =
        log == null
            ? ""
            : " (block " + log.getBlockNumber() + ", tx " + log.getTransactionHash() + ")";
    if (count == 1) {
      LOG.warn(
          "chain follower: skipped an event{}: {}; later ones are logged at debug", at, detail);
    } else {
      LOG.debug("chain follower: skipped an event{}: {}", at, detail);
    }
  }

  /** What the last completed poll saw, or empty before the first. */
  public Optional<Seen> lastSeen() {
    return Optional.ofNullable(seen);
  }

  /** How many logs of followed events were skipped since start, per reason. */
  public Map<EventRefusal, Long> refusals() {
    Map<EventRefusal, Long> counts = new java.util.EnumMap<>(EventRefusal.class);
    refusals.forEach((reason, count) -> counts.put(reason, count.get()));
    return counts;
  }

  /** The newest processed block that is still on the chain, or empty if none is. */
  private Optional<ChainIndex.BlockRef> commonAncestor() throws IOException, StoreException {
    for (ChainIndex.BlockRef block : index.recentBlocks()) {
      if (onChain(block)) {
        return Optional.of(block);
      }
    }
    return Optional.empty();
  }

  private boolean onChain(ChainIndex.BlockRef block) throws IOException {
    return blockHash(block.number()).map(block.hash()::equalsIgnoreCase).orElse(false);
  }

  private Optional<String> blockHash(long number) throws IOException {
    EthBlock response =
        check(
            web3.ethGetBlockByNumber(
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false)
                .send());
    return Optional.ofNullable(response.getBlock()).map(EthBlock.Block::getHash);
  }

  private long blockNumber() throws IOException {
    return check(web3.ethBlockNumber().send()).getBlockNumber().longValueExact();
  }

  private static <T extends Response<?>> T check(T response) throws IOException {
    if (response.hasError()) {
      throw new IOException("the chain node refused: " + response.getError().getMessage());
    }
    return response;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
