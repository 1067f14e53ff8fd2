package network.mysterium.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import network.mysterium.crypto.Address;
import network.mysterium.node.Node;
import network.mysterium.node.NodeHost;
import network.mysterium.node.ProposalFilter;
import network.mysterium.node.Subscription;
import network.mysterium.payments.Promise;
import network.mysterium.session.SessionEvents;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events}: the node's connection status and session events as server-sent events. The
 * node's threads only offer to each client's bounded queue; a writer thread per client sends. A
 * client whose queue is full is dropped (unsubscribed, its connection closed), so a slow or stuck
 * client never holds the node up; a heartbeat comment finds clients that went away.
 */
final class EventStream {
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  private static final String FILTER = "mysterium.proposal-filter";

  /** How often a stream's proposal search is checked for a changed answer. */
  static final Duration PROPOSAL_CHECK = Duration.ofSeconds(1);

  /** Streams open at once at most: each holds a queue and a thread. */
  static final int MAX_CLIENTS = 32;

  /** One event, serialized by the client's writer, not on the node's thread. */
  private record Event(String name, Object data) {}

  /** {@code event: sharing}: whether the node shares, which service, its sessions now. */
  record SharingEvent(boolean sharing, String serviceType, int sessions) {}

  /** {@code event: funds}: the wallet and payments account, ETH for gas, earnings uncleared. */
  record FundsEvent(String wallet, String paymentsAccount, String etherWei, String uncleared) {}

  /** {@code event: identity}: the node now runs as this identity (null: locked, none runs). */
  record IdentityEvent(String address) {}

  private final NodeHost host;
  private final ObjectMapper mapper;
  private final int capacity;
  private final Duration heartbeat;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final java.util.Set<Client> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();

  EventStream(NodeHost host, ObjectMapper mapper, int capacity, Duration heartbeat) {
    this.host = host;
    this.mapper = mapper;
    this.capacity = capacity;
    this.heartbeat = heartbeat;
  }

  void register(RoutesConfig routes) {
    SseHandler sse = new SseHandler(0, this::serve);
    routes.get(
        "/events",
        ctx -> {
          java.util.Set<String> known = new java.util.HashSet<>(ConsumerRoutes.PROPOSAL_PARAMS);
          known.add("proposals");
          Query query = Query.of(ctx, known);
          ProposalFilter filter = query.flag("proposals") ? ConsumerRoutes.filter(query) : null;
          ctx.attribute(FILTER, filter);
          String accept = ctx.header("Accept");
          if (accept == null || !accept.contains("text/event-stream")) {
            throw new ApiException(Codes.NOT_ACCEPTABLE, "send Accept: text/event-stream");
          }
          if (open.get() >= MAX_CLIENTS) {
            throw new ApiException(Codes.BUSY, MAX_CLIENTS + " event streams are open already");
          }
          sse.handle(ctx);
        });
  }

  /** Streams open now. */
  int open() {
    return open.get();
  }

  /** Clients dropped for falling behind, since the start. */
  long dropped() {
    return dropped.get();
  }

  /** Ends every stream (the server is closing): each unsubscribed before this returns. */
  void closeAll() {
    for (Client client : clients) {
      client.outbox.close();
    }
  }

  private void serve(SseClient client) {
    client.keepAlive();
    new Client(client, client.ctx().attribute(FILTER)).start();
  }

  private final class Client {
    private final SseClient sse;
    private final Outbox<Event> outbox;
    private Subscription nodes;
    private boolean first = true;
    private Subscription status;
    private Subscription sessions;
    private Subscription sharing;
    private Subscription funds;
    private Subscription proposals;
    private final ProposalFilter filter;

    /** {@code filter}: the search whose answer the stream follows, or null for none. */
    Client(SseClient sse, ProposalFilter filter) {
      this.sse = sse;
      this.filter = filter;
      this.outbox =
          new Outbox<>(
              capacity,
              heartbeat,
              new Outbox.Sink<>() {
                @Override
                public void send(Event event) throws IOException {
                  sse.sendEvent(event.name(), mapper.writeValueAsString(event.data()));
                  check();
                }

                @Override
                public void idle() throws IOException {
                  sse.sendComment("");
                  check();
                }
              },
              this::ended);
    }

    private void check() throws IOException {
      if (sse.terminated()) {
        throw new IOException("the client went away");
      }
    }

    void start() {
      open.incrementAndGet();
      clients.add(this);
      sse.onClose(outbox::close);
      synchronized (this) {
        nodes = host.subscribe(this::switched);
      }
      outbox.start("api-events");
      if (outbox.ended()) {
        unsubscribe();
      }
    }

    /** Subscribed to the node the host runs now; told again whenever it switches identity. */
    private synchronized void switched(Optional<Node> now) {
      unsubscribeNode();
      if (!first) {
        offer(
            new Event(
                "identity", new IdentityEvent(now.map(n -> n.address().toString()).orElse(null))));
      }
      first = false;
      if (now.isEmpty()) {
        return;
      }
      Node node = now.get();
      sessions = node.subscribe(listener());
      status =
          node.subscribeStatus(
              s -> offer(new Event("connection", ConsumerRoutes.connection(s, node))));
      sharing =
          node.sharing()
              .subscribe(
                  s ->
                      offer(
                          new Event(
                              "sharing",
                              new SharingEvent(
                                  s.sharing(),
                                  s.proposal().map(p -> p.serviceType()).orElse(null),
                                  s.sessions()))));
      funds =
          node.subscribeFunds(
              f ->
                  offer(
                      new Event(
                          "funds",
                          new FundsEvent(
                              f.balances().wallet().toPlainString(),
                              f.balances().paymentsAccount().toPlainString(),
                              f.balances().etherWei().toString(),
                              f.earnings().uncleared().toPlainString()))));
      if (filter != null) {
        proposals =
            node.subscribeProposals(
                filter,
                PROPOSAL_CHECK,
                found -> offer(new Event("proposals", ConsumerRoutes.proposals(found))));
      }
    }

    private void offer(Event event) {
      outbox.offer(event);
    }

    /** However the stream ended: unsubscribed, and the connection closed. */
    private void ended(Outbox.End why) {
      unsubscribe();
      clients.remove(this);
      open.decrementAndGet();
      if (why == Outbox.End.OVERFLOW) {
        if (dropped.incrementAndGet() == 1) {
          LOG.warn("an event client fell {} events behind: dropped (logged once)", capacity);
        }
        abort(); // the writer may be stuck in a write to a full socket
      }
      sse.close();
    }

    private synchronized void unsubscribe() {
      if (nodes != null) {
        nodes.close();
      }
      unsubscribeNode();
    }

    private synchronized void unsubscribeNode() {
      for (Subscription subscription :
          new Subscription[] {sessions, status, sharing, funds, proposals}) {
        if (subscription != null) {
          subscription.close();
        }
      }
      sessions = null;
      status = null;
      sharing = null;
      funds = null;
      proposals = null;
    }

    /** Closes the connection under a writer that may be stuck in a write to a full socket. */
    private void abort() {
      try {
        ServletContextRequest.getServletContextRequest(sse.ctx().req())
            .getConnectionMetaData()
            .getConnection()
            .getEndPoint()
            .close();
      } catch (RuntimeException e) {
        // the connection is gone already
      }
    }

    private SessionEvents listener() {
      return new SessionEvents() {
        @Override
        public void sessionOpened(Address peer, String sessionId, String serviceType) {
          offer(
              new Event(
                  "session-opened",
                  new Views.SessionOpened(peer.toString(), sessionId, serviceType)));
        }

        @Override
        public void metering(Address peer, Metering metering) {
          offer(new Event("metering", Views.Metering.of(peer, metering)));
        }

        @Override
        public void sessionClosed(Address peer, String sessionId, String reason, Metering last) {
          offer(
              new Event(
                  "session-closed",
                  new Views.SessionClosed(
                      peer.toString(),
                      sessionId,
                      reason,
                      last == null ? null : Views.Metering.of(peer, last))));
        }

        @Override
        public void cleared(Address peer, List<Promise> cleared, String deferred) {
          offer(
              new Event(
                  "cleared",
                  new Views.Cleared(
                      peer.toString(),
                      cleared.stream().map(Promise::serial).toList(),
                      Views.ofBaseUnits(
                          cleared.stream()
                              .map(p -> p.amount().baseUnits())
                              .max(BigInteger::compareTo)
                              .orElse(BigInteger.ZERO)),
                      deferred)));
        }
      };
    }
  }
}
