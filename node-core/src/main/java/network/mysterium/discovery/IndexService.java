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
 * as fit in one dialogue message.
 */
public final class IndexService implements Conversation.Service {
  /** At most this many listings per answer, whatever the peer asks. */
  public static final int MAX_LISTINGS = 100;

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
    try {
      index.sync(); // take in what the follower stored since the last question
      found = index.search(IndexQueries.decode(message.getIndexQuery(), MAX_LISTINGS), head);
    } catch (StoreException e) {
      throw new Conversation.RefusedException("the index is unavailable");
    } catch (IllegalArgumentException e) {
      throw new Conversation.RefusedException("bad query: " + e.getMessage());
    }
    IndexResult.Builder result = IndexResult.newBuilder().setHeadBlock(head);
    int budget = Dialogues.maxMessageBytes() - 64; // room for the exchange's own fields
    for (ProposalIndex.Listing listing : found) {
      IndexListing entry =
          IndexListing.newBuilder()
              .setSignedProposal(ByteString.copyFrom(listing.signedProposal()))
              .setAnnouncedBlock(listing.announcedBlock())
              .build();
      budget -= entry.getSerializedSize() + 4;
      if (budget < 0) {
        break; // the cheapest that fit: a consumer that wants more narrows its query
      }
      result.addListings(entry);
    }
    return Exchange.newBuilder().setIndexResult(result);
  }
}
