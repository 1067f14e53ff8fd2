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

  private final Conversation conversation;
  private final SignedProposals verifier;
  private final Duration timeout;

  public RemoteIndex(Conversation conversation, SignedProposals verifier, Duration timeout) {
    this.conversation = conversation;
    this.verifier = verifier;
    this.timeout = timeout;
  }

  public Answer search(ProposalIndex.Query query) throws Conversation.RefusedException {
    Exchange response;
    try {
      response =
          conversation
              .request(Exchange.newBuilder().setIndexQuery(IndexQueries.encode(query)), timeout)
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
    IndexResult result = response.getIndexResult();
    List<ProposalIndex.Listing> listings = new ArrayList<>();
    int dropped = 0;
    for (IndexListing entry : result.getListingsList()) {
      byte[] signed = entry.getSignedProposal().toByteArray();
      try {
        ServiceProposal proposal = verifier.verifySigned(signed);
        if (query.matches(proposal)) {
          listings.add(
              new ProposalIndex.Listing(proposal, entry.getAnnouncedBlock(), false, signed));
        } else {
          dropped++;
        }
      } catch (SignedProposals.RejectedProposalException e) {
        dropped++;
      }
    }
    // Cheapest first (per-MB and per-second prices as their hourly cost), whatever order the node
    // sent them in.
    listings.sort(
        Comparator.comparing(ProposalIndex.Listing::proposal, ComparablePrice.CHEAPEST_FIRST));
    return new Answer(List.copyOf(listings), result.getHeadBlock(), dropped);
  }
}
