package network.mysterium.discovery;

import com.google.protobuf.ByteString;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import network.mysterium.chain.ChainFollower;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.PeerRates;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.proto.IndexListing;
import network.mysterium.discovery.proto.IndexResult;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves this node's proposal index to peers that trust it (whitepaper 6.4.3): a consumer without
 * its own chain follower asks, and gets the proposals as signed on-chain, cheapest first, as many
 * as fit in one dialogue message, with where the next page starts when more match.
 *
 * <p>A question costs no chain request and no index sync of its own: the head is the one the node's
 * chain follower last saw, and the index takes in what the follower stored at most once per
 * follower poll, for all peers together. Each peer is held to a rate; past it, the question is
 * refused with {@link IndexRefusal#RATE_LIMITED}.
 */
public final class IndexService implements Conversation.Service {
  private static final Logger LOG = LoggerFactory.getLogger(IndexService.class);

  /**
   * How fast one peer may ask.
   *
   * @param perSecond questions a second after the burst
   * @param burst questions at once
   * @param peers most peers whose rate is tracked at once (bounded memory)
   */
  public record Limits(double perSecond, int burst, int peers) {
    /** A whole remote search at once (its most pages), then 10 questions a second. */
    public static final Limits DEFAULT = new Limits(10, RemoteIndex.MAX_PAGES, 4096);
  }

  /** At most this many listings per answer, whatever the peer asks. */
  public static final int MAX_LISTINGS = 100;

  /** Pages start at most this deep: bounded work per question, whatever the offset asked. */
  public static final int MAX_OFFSET = 1000;

  private final ProposalIndex index;
  private final ChainFollower follower;
  private final PeerRates rates;
  private final Map<IndexRefusal, AtomicLong> refusals = new EnumMap<>(IndexRefusal.class);
  private final Object syncing = new Object();
  private long syncedRound; // the follower's poll the index last took in (0: none yet)

  /** The index as {@code follower} keeps it, each peer held to the default limits. */
  public IndexService(ProposalIndex index, ChainFollower follower) {
    this(index, follower, Limits.DEFAULT);
  }

  public IndexService(ProposalIndex index, ChainFollower follower, Limits limits) {
    this.index = index;
    this.follower = follower;
    this.rates =
        new PeerRates(limits.perSecond(), limits.burst(), limits.peers(), System::nanoTime);
    for (IndexRefusal reason : IndexRefusal.values()) {
      refusals.put(reason, new AtomicLong());
    }
  }

  /** These services with this one added. */
  public Conversation.Services addTo(Conversation.Services services) {
    return services.with(Exchange.BodyCase.INDEX_QUERY, this);
  }

  @Override
  public Exchange.Builder handle(Dialogue dialogue, Exchange message)
      throws Conversation.RefusedException {
    if (!rates.tryTake(dialogue.peer())) {
      throw refused(IndexRefusal.RATE_LIMITED, "more questions than this node answers a peer now");
    }
    List<ProposalIndex.Listing> found;
    long head;
    long offset;
    int limit;
    try {
      head = current();
      ProposalIndex.Query query = IndexQueries.decode(message.getIndexQuery(), MAX_LISTINGS);
      offset = Math.min(Integer.toUnsignedLong(message.getIndexQuery().getOffset()), MAX_OFFSET);
      // One more than the page, to know whether another follows.
      found = index.search(query.withLimit((int) offset + query.limit() + 1), head);
      limit = query.limit();
    } catch (StoreException e) {
      throw refused(IndexRefusal.UNAVAILABLE, "the index is unavailable");
    } catch (IllegalArgumentException e) {
      throw refused(IndexRefusal.BAD_QUERY, e.getMessage());
    }
    IndexResult.Builder result = IndexResult.newBuilder().setHeadBlock(head);
    final int room = Dialogues.maxMessageBytes() - 64; // room for the exchange's own fields
    int budget = room;
    int next = (int) offset;
    for (ProposalIndex.Listing listing :
        found.subList(Math.min(next, found.size()), found.size())) {
      if (result.getListingsCount() == limit) {
        break;
      }
      IndexListing entry =
          IndexListing.newBuilder()
              .setSignedProposal(ByteString.copyFrom(listing.signedProposal()))
              .setAnnouncedBlock(listing.announcedBlock())
              .build();
      if (entry.getSerializedSize() + 4 > room) {
        next++; // fits no answer: skipped, so paging never stalls on it
        continue;
      }
      budget -= entry.getSerializedSize() + 4;
      if (budget < 0) {
        break; // the cheapest that fit; the next page starts here
      }
      result.addListings(entry);
      next++;
    }
    if (next < found.size() && next <= MAX_OFFSET) {
      result.setNextOffset(next);
    }
    return Exchange.newBuilder().setIndexResult(result);
  }

  /**
   * The head the follower last saw, the index having taken in what that poll stored: one sync per
   * follower poll at most, whichever peer asks first (the others wait for it, or find it done).
   */
  private long current() throws StoreException, Conversation.RefusedException {
    ChainFollower.Seen seen =
        follower
            .lastSeen()
            .orElseThrow(() -> refused(IndexRefusal.UNAVAILABLE, "the chain is not read yet"));
    synchronized (syncing) {
      if (seen.round() != syncedRound) {
        index.sync();
        syncedRound = seen.round();
      }
    }
    return seen.head();
  }

  /** Counted by reason; the first of each reason is logged at info, the rest at debug. */
  private Conversation.RefusedException refused(IndexRefusal reason, String detail) {
    if (refusals.get(reason).incrementAndGet() == 1) {
      LOG.info("index query refused: {}: {}; later ones are logged at debug", reason, detail);
    } else {
      LOG.debug("index query refused: {}: {}", reason, detail);
    }
    return reason.because(detail);
  }

  /** Questions refused since start, per reason. */
  public Map<IndexRefusal, Long> refusals() {
    Map<IndexRefusal, Long> counts = new EnumMap<>(IndexRefusal.class);
    refusals.forEach((reason, count) -> counts.put(reason, count.get()));
    return counts;
  }
}
