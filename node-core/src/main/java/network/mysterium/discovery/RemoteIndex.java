package network.mysterium.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.discovery.proto.IndexListing;
import network.mysterium.discovery.proto.IndexResult;

/**
 * A trusted node's index, searched over a dialogue. Trust covers only what cannot be checked
 * without the chain (that the providers are registered and the proposals current); every proposal's
 * signature is checked here, and anything the query did not ask for is dropped.
 */
public final class RemoteIndex {
  /** What came back: the listings that passed, and how many did not. */
  public record Answer(List<ProposalIndex.Listing> listings, long headBlock, int dropped) {}

  /** A search asks at most this many pages, whatever the node answers. */
  static final int MAX_PAGES = 64;

  private final Conversation conversation;
  private final SignedProposals verifier;
  private final Duration timeout;

  public RemoteIndex(Conversation conversation, SignedProposals verifier, Duration timeout) {
    this.conversation = conversation;
    this.verifier = verifier;
    this.timeout = timeout;
  }

  /**
   * Up to {@code query.limit()} listings, asked page by page (an answer holds what fits one
   * message); stops when the node says there are no more, or when a page does not move on.
   *
   * @throws Conversation.RefusedException when the node refuses a page; its code says why ({@link
   *     IndexRefusal#of}): {@link IndexRefusal#RATE_LIMITED} when this side asked faster than the
   *     node answers one peer (a whole search at once is within its rate; ask again later)
   */
  public Answer search(ProposalIndex.Query query) throws Conversation.RefusedException {
    List<ProposalIndex.Listing> listings = new ArrayList<>();
    int dropped = 0;
    long head = 0;
    int offset = 0;
    int received = 0;
    for (int page = 0; page < MAX_PAGES && received < query.limit(); page++) {
      IndexResult result = page(query.withLimit(query.limit() - received), offset);
      head = Math.max(head, result.getHeadBlock());
      received += result.getListingsCount();
      for (IndexListing entry : result.getListingsList()) {
        byte[] signed = entry.getSignedProposal().toByteArray();
        try {
          ServiceProposal proposal = verifier.verifySigned(signed);
          if (query.matches(proposal) && listings.size() < query.limit()) {
            listings.add(
                new ProposalIndex.Listing(proposal, entry.getAnnouncedBlock(), false, signed));
          } else {
            dropped++;
          }
        } catch (SignedProposals.RejectedProposalException e) {
          dropped++;
        }
      }
      int next = result.getNextOffset();
      if (next <= offset || result.getListingsCount() == 0) {
        break; // no more, or a node that does not move on
      }
      offset = next;
    }
    // Cheapest first (per-MB and per-second prices as their hourly cost), whatever order the node
    // sent them in.
    listings.sort(
        Comparator.comparing(ProposalIndex.Listing::proposal, ComparablePrice.CHEAPEST_FIRST));
    return new Answer(List.copyOf(listings), head, dropped);
  }

  private IndexResult page(ProposalIndex.Query query, int offset)
      throws Conversation.RefusedException {
    Exchange response;
    try {
      response =
          conversation
              .request(
                  Exchange.newBuilder().setIndexQuery(IndexQueries.encode(query, offset)), timeout)
              .join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof Conversation.RefusedException refused) {
        throw refused;
      }
      throw new Conversation.RefusedException(String.valueOf(e.getCause()));
    }
    if (!response.hasIndexResult()) {
      throw new Conversation.RefusedException(
          "expected an index result, got " + response.getBodyCase());
    }
    return response.getIndexResult();
  }
}
