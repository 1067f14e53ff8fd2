package network.mysterium.api;

import java.math.BigInteger;
import java.util.List;
import network.mysterium.crypto.Address;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.money.Myst;
import network.mysterium.node.ConnectionStatus;
import network.mysterium.node.Node;
import network.mysterium.node.NodeSharing;
import network.mysterium.node.NodeWallet;
import network.mysterium.session.ProviderSessions;
import network.mysterium.session.SessionEvents;
import network.mysterium.session.SessionHistory;

/**
 * The API's JSON shapes: amounts as decimal MYST strings, wei as decimal strings, addresses as
 * 0x-hex, times as ISO-8601. Records, so the shape is in one place and docs/openapi.json says the
 * same.
 */
final class Views {
  private Views() {}

  record Error(String code, String message) {}

  record Identity(String address, boolean registered) {}

  /** {@code POST /identity/lock}: no identity runs now. */
  record Locked(boolean locked) {}

  /** One identity of the keystore; {@code current}: the one this node runs as. */
  record StoredIdentity(String address, boolean current, boolean registered) {
    static StoredIdentity of(network.mysterium.node.NodeIdentities.Row row) {
      return new StoredIdentity(row.address().toString(), row.current(), row.registered());
    }
  }

  record Identities(List<StoredIdentity> identities) {}

  record NewIdentity(String address) {}

  record Settings(String paymentStep, String maxSpend, String maxSpendPerProvider) {
    static Settings of(network.mysterium.node.NodeSettings.Settings s) {
      return new Settings(myst(s.paymentStep()), myst(s.maxSpend()), myst(s.maxSpendPerProvider()));
    }
  }

  record Proposal(
      String provider,
      long serial,
      String serviceType,
      String country,
      long asn,
      String originCountry,
      long originAsn,
      long bandwidthKbps,
      String metering,
      String pricePerUnit,
      boolean preferred,
      long announcedBlock) {
    static Proposal of(ProposalIndex.Listing listing) {
      return of(listing.proposal(), listing.preferred(), listing.announcedBlock());
    }

    static Proposal of(ServiceProposal p, boolean preferred, long announcedBlock) {
      return new Proposal(
          p.provider().toString(),
          p.serial(),
          p.serviceType(),
          p.providedFrom().country(),
          p.providedFrom().asn(),
          p.origin().country(),
          p.origin().asn(),
          p.bandwidthKbps(),
          p.metering().name(),
          myst(p.pricePerUnit()),
          preferred,
          announcedBlock);
    }
  }

  record Proposals(List<Proposal> proposals) {}

  record Country(String country, int providers, String lowestPricePerMegabyte) {
    static Country of(Node.CountryRow row) {
      return new Country(row.country(), row.providers(), myst(row.lowestPricePerMegabyte()));
    }
  }

  record Countries(List<Country> countries) {}

  /** {@code socks} is the local proxy's host:port while a SOCKS5 connection is up. */
  record Connection(
      String state,
      String provider,
      String serviceType,
      String country,
      String localEndpoint,
      String socks,
      String since,
      String endedBecause,
      String leftFor) {
    static Connection of(ConnectionStatus s, String socks) {
      return new Connection(
          s.state().name(),
          s.provider().map(Address::toString).orElse(null),
          s.serviceType().orElse(null),
          s.country().orElse(null),
          s.localEndpoint().orElse(null),
          s.state() == ConnectionStatus.State.CONNECTED ? socks : null,
          s.since().map(Object::toString).orElse(null),
          s.endedBecause().orElse(null),
          s.leftFor().map(Enum::name).orElse(null));
    }
  }

  record Metering(
      String peer,
      String sessionId,
      String cost,
      long bytesToConsumer,
      long bytesFromConsumer,
      long durationMillis,
      boolean last) {
    static Metering of(Address peer, SessionEvents.Metering m) {
      return new Metering(
          peer.toString(),
          m.sessionId(),
          ofBaseUnits(m.cost()),
          m.bytesToConsumer(),
          m.bytesFromConsumer(),
          m.durationMillis(),
          m.last());
    }
  }

  /** The open connection's metering as the provider last reported it. */
  record CurrentSession(
      String provider,
      String sessionId,
      String serviceType,
      long bytesToConsumer,
      long bytesFromConsumer,
      long durationSeconds,
      String cost,
      String spent) {}

  record HistoryEntry(
      String endedAt,
      String provider,
      String country,
      String serviceType,
      long seconds,
      long bytesDown,
      long bytesUp,
      String cost) {
    static HistoryEntry of(SessionHistory.Entry e) {
      return new HistoryEntry(
          e.endedAt().toString(),
          e.provider().toString(),
          e.country(),
          e.serviceType(),
          e.seconds(),
          e.bytesDown(),
          e.bytesUp(),
          myst(e.cost()));
    }
  }

  record History(List<HistoryEntry> sessions) {}

  record Wallet(
      String address,
      String etherWei,
      String wallet,
      String paymentsAccount,
      boolean registered,
      String stake,
      PendingWithdrawal pendingWithdrawal,
      boolean defaulted,
      String uncleared,
      List<Owed> unclearedByProvider) {
    static Wallet of(Address address, NodeWallet.Balances b) {
      return new Wallet(
          address.toString(),
          b.etherWei().toString(),
          myst(b.wallet()),
          myst(b.paymentsAccount()),
          b.registered(),
          myst(b.stake()),
          b.pendingWithdrawal().map(PendingWithdrawal::of).orElse(null),
          b.defaulted(),
          myst(b.uncleared().total()),
          b.uncleared().byProvider().stream().map(Owed::of).toList());
    }
  }

  /** What one provider holds of this identity's promises, not yet cleared on chain. */
  record Owed(String provider, String amount) {
    static Owed of(NodeWallet.Owed o) {
      return new Owed(o.provider().toString(), myst(o.amount()));
    }
  }

  /** A requested withdrawal: it can complete from {@code completableAt} (the chain's clock). */
  record PendingWithdrawal(String to, String amount, String completableAt, boolean due) {
    static PendingWithdrawal of(NodeWallet.PendingWithdrawal p) {
      return new PendingWithdrawal(
          p.to().toString(), myst(p.amount()), p.completableAt().toString(), p.due());
    }
  }

  record Promise(String provider, long serial, String amount, boolean cleared) {
    static Promise of(NodeWallet.PromiseRow p) {
      return new Promise(p.provider().toString(), p.serial(), myst(p.amount()), p.cleared());
    }
  }

  record Promises(List<Promise> promises) {}

  record Preview(
      String id, String kind, String amount, String gas, String maxFeeWei, boolean last) {
    static Preview of(NodeWallet.Preview p) {
      return new Preview(
          p.id(),
          p.kind().name(),
          myst(p.amount()),
          p.gas().toString(),
          p.maxFeeWei().toString(),
          p.last());
    }
  }

  record Sent(String transactionHash) {}

  record Earnings(String uncleared, String paymentsAccount, int activeSessions) {
    static Earnings of(NodeSharing.Earnings e) {
      return new Earnings(myst(e.uncleared()), myst(e.paymentsAccount()), e.activeSessions());
    }
  }

  record ProvidedSession(
      String id,
      String consumer,
      long bytesToConsumer,
      long bytesFromConsumer,
      String billed,
      long elapsedSeconds) {
    static ProvidedSession of(ProviderSessions.ActiveSession s) {
      return new ProvidedSession(
          s.id(),
          s.consumer().toString(),
          s.bytesToConsumer(),
          s.bytesFromConsumer(),
          ofBaseUnits(s.billed()),
          s.elapsed().toSeconds());
    }
  }

  record Sharing(
      boolean sharing,
      Proposal proposal,
      Earnings earnings,
      List<ProvidedSession> sessions,
      List<Exposure> exposures,
      Reachability reachability) {}

  /** How consumers reach this node (whitepaper 6.6): directly, or through relays, and why. */
  record Reachability(String kind, String why, List<Relayed> relays) {
    static Reachability of(network.mysterium.relay.Reachability r) {
      return new Reachability(
          r.kind().name(),
          r.why(),
          r.relays().stream()
              .map(
                  x ->
                      new Relayed(
                          x.relay().getAddress().getHostAddress() + ":" + x.relay().getPort(),
                          x.allocation().toString(),
                          x.observed().getAddress().getHostAddress()
                              + ":"
                              + x.observed().getPort()))
              .toList());
    }
  }

  /** A relay's registration: where consumers reach this node through it, where it sees the node. */
  record Relayed(String relay, String allocation, String observed) {}

  /** A consumer's promises held here and by other providers (whitepaper 6.5.6). */
  record Exposure(
      String consumer,
      boolean inSession,
      String heldHere,
      String heldByOthers,
      String spendable,
      String left) {
    static Exposure of(network.mysterium.provider.IssuerExposure e) {
      return new Exposure(
          e.consumer().toString(),
          e.inSession(),
          myst(e.heldHere()),
          myst(e.heldByOthers()),
          myst(e.spendable()),
          myst(e.left()));
    }
  }

  record SessionOpened(String peer, String sessionId, String serviceType) {}

  record SessionClosed(String peer, String sessionId, String reason, Metering last) {}

  /** {@code upTo}: the highest cumulative amount the cleared promises carried. */
  record Cleared(String peer, List<Long> serials, String upTo, String deferred) {}

  static String myst(Myst amount) {
    return amount.toPlainString();
  }

  /** Base units (1e-18 MYST) as decimal MYST. */
  static String ofBaseUnits(BigInteger baseUnits) {
    return Myst.ofBaseUnits(baseUnits).toPlainString();
  }
}
