package network.mysterium.consumer;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ChainIndex;
import network.mysterium.chain.RegistryDirectory;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.conversation.Conversation;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.IssuedPromises;
import network.mysterium.payments.Promises;
import network.mysterium.service.ServiceClient;
import network.mysterium.session.ClearedSerials;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.ProviderLink;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SpendLimit;
import network.mysterium.store.Database;
import network.mysterium.store.StoreException;

/**
 * A consumer, assembled: follows the chain (registrations and proposals), keeps its index and its
 * promise ledger, and connects to providers over dialogues.
 */
public final class ConsumerNode implements AutoCloseable {
  private final ChainFollower follower;
  private final ProposalIndex index;
  private final EthereumClient client;
  private final Dialogues dialogues;
  private final IssuedPromises promises;
  private final ClearedSerials cleared;
  private volatile SpendLimit limit = SpendLimit.defaults();
  private final java.util.Map<Address, ProviderLink> links = new java.util.HashMap<>();
  private final boolean ownsFollower;
  private final boolean ownsDialogues;

  private ConsumerNode(
      ChainFollower follower,
      boolean ownsFollower,
      boolean ownsDialogues,
      ProposalIndex index,
      EthereumClient client,
      Dialogues dialogues,
      IssuedPromises promises,
      Deployment deployment) {
    this.follower = follower;
    this.ownsFollower = ownsFollower;
    this.ownsDialogues = ownsDialogues;
    this.index = index;
    this.client = client;
    this.dialogues = dialogues;
    this.promises = promises;
    this.cleared = ClearedSerials.of(new PaymentsContract(client, deployment.payments()));
  }

  /** The spending limits for sessions from now on (the user's; defaults otherwise). */
  public void spendLimit(SpendLimit limit) {
    this.limit = limit;
  }

  public static ConsumerNode start(
      PrivateKey key,
      Database database,
      EthereumClient client,
      Deployment deployment,
      Contact listen)
      throws IOException, StoreException {
    ChainFollower follower = ChainFollower.forDeployment(client, database, deployment);
    follower.pollOnce();
    follower.start();
    try {
      return start(key, database, follower, true, client, deployment, listen);
    } catch (IOException | StoreException | RuntimeException e) {
      follower.close();
      throw e;
    }
  }

  /**
   * The consumer side on a follower that its caller runs and closes (a node's one follower, shared
   * with its provider side).
   */
  public static ConsumerNode startOn(
      PrivateKey key,
      Database database,
      ChainFollower follower,
      EthereumClient client,
      Deployment deployment,
      Contact listen)
      throws IOException, StoreException {
    return start(key, database, follower, false, client, deployment, listen);
  }

  private static ConsumerNode start(
      PrivateKey key,
      Database database,
      ChainFollower follower,
      boolean ownsFollower,
      EthereumClient client,
      Deployment deployment,
      Contact listen)
      throws IOException, StoreException {
    ChainIndex chain = new ChainIndex(database);
    ProposalIndex index =
        ProposalIndex.of(
            database, chain, deployment, network.mysterium.discovery.BlockTimes.of(client));
    Messenger messenger = RegistryDirectory.messenger(key, chain, database.file());
    Dialogues dialogues =
        new Dialogues(
                messenger,
                Channels.listen(listen),
                DialogueConfig.DEFAULT,
                peer -> new Conversation(Conversation.Services.none()))
            .start();
    IssuedPromises promises =
        new IssuedPromises(database, Promises.of(deployment), key, Clock.systemUTC());
    return new ConsumerNode(
        follower, ownsFollower, true, index, client, dialogues, promises, deployment);
  }

  /**
   * The consumer side on a node's own follower and dialogues, which its caller runs and closes (a
   * node's one follower and one {@link Dialogues}, shared with its provider side).
   */
  public static ConsumerNode on(
      PrivateKey key,
      Database database,
      ChainFollower follower,
      Dialogues dialogues,
      EthereumClient client,
      Deployment deployment) {
    ChainIndex chain = new ChainIndex(database);
    ProposalIndex index =
        ProposalIndex.of(
            database, chain, deployment, network.mysterium.discovery.BlockTimes.of(client));
    IssuedPromises promises =
        new IssuedPromises(database, Promises.of(deployment), key, Clock.systemUTC());
    return new ConsumerNode(follower, false, false, index, client, dialogues, promises, deployment);
  }

  /** The index's matches, cheapest first, after taking in what the chain has now. */
  public List<ProposalIndex.Listing> search(ProposalIndex.Query query)
      throws IOException, StoreException, ChainException {
    follower.pollOnce();
    index.sync();
    return index.search(query, client.blockNumber());
  }

  /** Connects to the first candidate that works (see {@link Connector}). */
  public ConsumerSession connect(
      List<ProposalIndex.Listing> candidates,
      Myst paymentStep,
      SessionEvents events,
      Connector.Attempts attempts,
      Duration timeout,
      ServiceClient.Factory clients)
      throws Connector.NoProviderException, InterruptedException {
    return new Connector(p -> linkTo(p, paymentStep, timeout), events, clients)
        .connect(candidates.stream().map(ProposalIndex.Listing::proposal).toList(), attempts);
  }

  /**
   * The dialogue with a proposal's provider: the open one if there is (several sessions share a
   * dialogue), a new one otherwise.
   */
  public synchronized ProviderLink linkTo(
      ServiceProposal proposal, Myst paymentStep, Duration timeout)
      throws ConsumerSession.SessionFailedException, InterruptedException {
    ProviderLink open = links.get(proposal.provider());
    if (open != null && open.isOpen()) {
      return open;
    }
    ProviderLink link =
        ProviderLink.open(
            dialogues,
            proposal.provider(),
            ConsumerSession.contactsOf(proposal, dialogues.contact()),
            promises,
            paymentStep,
            timeout,
            cleared,
            limit);
    links.put(proposal.provider(), link);
    return link;
  }

  /** Marks a provider that served well, so later searches can put it first. */
  public void prefer(Address provider) throws StoreException {
    index.setPreferred(provider, true);
  }

  /** Every promise this consumer made (see {@link IssuedPromises#issued()}). */
  public List<network.mysterium.payments.SignedPromise> promisesIssued() throws StoreException {
    return promises.issued();
  }

  public Myst totalPromised(Address provider) throws StoreException {
    return promises.totalPromised(provider);
  }

  public Address address() {
    return dialogues.address();
  }

  @Override
  public void close() {
    if (ownsDialogues) {
      dialogues.close();
    } else {
      synchronized (this) {
        links.values().forEach(ProviderLink::close); // this side's dialogues, not the node's
      }
    }
    if (ownsFollower) {
      follower.close();
    }
  }
}
