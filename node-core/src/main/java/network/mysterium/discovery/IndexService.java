package network.mysterium.discovery;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.function.LongSupplier;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.proto.IndexListing;
import network.mysterium.discovery.proto.IndexResult;
import network.mysterium.store.StoreException;

/**
 * Serves this node's proposal index to peers that trust it (whitepaper 6.4.3): a consumer without
 * its own chain follower asks, and gets the proposals as signed on-chain, cheapest first, as many
 * as fit in one dialogue message, with where the next page starts when more match.
 */
public final class IndexService implements Conversation.Service {
  /** At most this many listings per answer, whatever the peer asks. */
  public static final int MAX_LISTINGS = 100;

  /** Pages start at most this deep: bounded work per question, whatever the offset asked. */
  public static final int MAX_OFFSET = 1000;

  private final ProposalIndex index;
  private final LongSupplier headBlock;

  public IndexService(ProposalIndex index, LongSupplier headBlock) {
    this.index = index;
    this.headBlock = headBlock;
  }

  /** These services with this one added. */
  public Conversation.Services addTo(Conversation.Services services) {
    return services.with(Exchange.BodyCase.INDEX_QUERY, this);
  }

  @Override
  public Exchange.Builder handle(Dialogue dialogue, Exchange message)
      throws Conversation.RefusedException {
    long head = headBlock.getAsLong();
    List<ProposalIndex.Listing> found;
    long offset;
    int limit;
    try {
      index.sync(); // take in what the follower stored since the last question
      ProposalIndex.Query query = IndexQueries.decode(message.getIndexQuery(), MAX_LISTINGS);
      offset = Math.min(Integer.toUnsignedLong(message.getIndexQuery().getOffset()), MAX_OFFSET);
      // One more than the page, to know whether another follows.
      found = index.search(query.withLimit((int) offset + query.limit() + 1), head);
      limit = query.limit();
    } catch (StoreException e) {
      throw new Conversation.RefusedException("the index is unavailable");
    } catch (IllegalArgumentException e) {
      throw new Conversation.RefusedException("bad query: " + e.getMessage());
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
}
