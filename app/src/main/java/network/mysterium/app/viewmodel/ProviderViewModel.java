package network.mysterium.app.viewmodel;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.function.BiFunction;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.i18n.Messages;
import network.mysterium.messaging.Rejection;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.node.NodeSharing;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.IssuerExposure;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ProviderSessions;

/**
 * "Share my bandwidth": the offer (service type, price per MB, location detected or typed, when to
 * clear promises), the toggle that announces it on chain and withdraws it, what sharing earned, and
 * the sessions open now with their metering, and each consumer's promises held here and by other
 * providers (whitepaper 6.5.6).
 */
public final class ProviderViewModel {
  /** What the user offers, as chosen in the view. */
  public record Offer(
      String serviceType,
      Myst pricePerMegabyte,
      ServiceProposal.Place place,
      ClearingPolicy clearing) {}

  /** Finds where this node is (country and ASN) for the offer. */
  @FunctionalInterface
  public interface Locator {
    Located locate() throws Exception;
  }

  /** A detected place, and the public address it was looked up for. */
  public record Located(ServiceProposal.Place place, String address) {}

  private final Node node;
  private final Background background;
  private final Messages messages;
  private final BiFunction<Offer, Myst, ProviderNode.Config> config;
  private final Locator locator;
  private final BooleanProperty sharing = new SimpleBooleanProperty();
  private final StringProperty status = new SimpleStringProperty();
  private final StringProperty error = new SimpleStringProperty("");
  private final StringProperty price = new SimpleStringProperty("0.01");
  private final StringProperty serviceType = new SimpleStringProperty("socks5");
  private final StringProperty country = new SimpleStringProperty("");
  private final StringProperty detected = new SimpleStringProperty("");
  private final StringProperty clearAt = new SimpleStringProperty("1");
  private final StringProperty clearAfterHours = new SimpleStringProperty("24");
  private final StringProperty earnings = new SimpleStringProperty("");
  private final StringProperty exposure = new SimpleStringProperty("");
  private final StringProperty refused = new SimpleStringProperty("");
  private final StringProperty reachability = new SimpleStringProperty("");
  private final ObservableList<ProviderSessions.ActiveSession> sessions =
      FXCollections.observableArrayList();
  private final ObservableList<IssuerExposure> exposures = FXCollections.observableArrayList();
  private long asn;
  private boolean applying;

  /**
   * @param config how to run an offer (where to listen) with the exposure cap per consumer, called
   *     off the FX thread as sharing starts (it may look up the public address)
   * @param locator where this node is, for the offer's location
   */
  public ProviderViewModel(
      Node node,
      Background background,
      Messages messages,
      BiFunction<Offer, Myst, ProviderNode.Config> config,
      Locator locator) {
    this.node = node;
    this.background = background;
    this.messages = messages;
    this.config = config;
    this.locator = locator;
    status.set(messages.get("app.provider.off"));
    sharing.addListener(
        (o, was, on) -> {
          if (!applying) {
            apply(on);
          }
        });
  }

  /** Looks up this node's country and ASN (the user may still type another country). */
  public void detect() {
    error.set("");
    detected.set(messages.get("app.provider.detecting"));
    background.run(
        locator::locate,
        found -> {
          country.set(found.place().country());
          asn = found.place().asn();
          detected.set(
              messages.get(
                  "app.provider.detected",
                  Countries.name(found.place().country(), messages),
                  Long.toString(found.place().asn()),
                  found.address()));
        },
        e -> {
          detected.set("");
          error.set(messages.get("app.provider.error.detect", e.getMessage()));
        });
  }

  /** The offer as typed, or a message key and the text that is wrong. */
  private Offer offer() throws OfferException {
    Myst perMegabyte;
    try {
      perMegabyte = Myst.parse(text(price));
    } catch (RuntimeException e) {
      throw new OfferException("app.provider.error.price", text(price));
    }
    if (perMegabyte.baseUnits().signum() <= 0) {
      throw new OfferException("app.provider.error.price", text(price));
    }
    ServiceProposal.Place place;
    try {
      place = new ServiceProposal.Place(text(country).toUpperCase(java.util.Locale.ROOT), asn);
    } catch (RuntimeException e) {
      throw new OfferException("app.provider.error.country", text(country));
    }
    Myst atValue;
    long hours;
    try {
      atValue = Myst.parse(text(clearAt));
      hours = new BigDecimal(text(clearAfterHours)).longValueExact();
      if (atValue.baseUnits().signum() <= 0 || hours <= 0) {
        throw new IllegalArgumentException("not positive");
      }
    } catch (RuntimeException e) {
      throw new OfferException("app.provider.error.clearing", text(clearAt));
    }
    return new Offer(
        text(serviceType),
        perMegabyte,
        place,
        new ClearingPolicy(atValue, Duration.ofHours(hours), Duration.ofMinutes(1)));
  }

  private static final class OfferException extends Exception {
    final String key;

    OfferException(String key, String detail) {
      super(detail);
      this.key = key;
    }
  }

  private void apply(boolean on) {
    error.set("");
    Offer chosen = null;
    if (on) {
      try {
        chosen = offer();
      } catch (OfferException e) {
        // later, not inside this change: the switch's binding ignores changes made while it updates
        background.onFxThread(this::revert);
        error.set(messages.get(e.key, e.getMessage()));
        return;
      }
    }
    Offer starting = chosen;
    status.set(messages.get(on ? "app.provider.starting" : "app.provider.stopping"));
    background.run(
        () -> {
          if (on) {
            // as the CLI's provider run: half the stake the registry asks now (6.5.6)
            Myst cap = node.sharing().exposureCap();
            return new Started(node.sharing().start(config.apply(starting, cap)), cap);
          }
          node.sharing().stop();
          return null;
        },
        started -> {
          if (started != null) {
            ServiceProposal proposal = started.proposal();
            showExposure(started.exposureCap());
            refreshEarnings();
            status.set(
                messages.get(
                    "app.provider.on",
                    Countries.name(proposal.providedFrom().country(), messages),
                    proposal.pricePerUnit().toPlainString(),
                    messages.get("app.settings.type." + proposal.serviceType())));
          } else {
            sessions.clear();
            exposures.clear();
            exposure.set("");
            refused.set("");
            reachability.set("");
            status.set(messages.get("app.provider.off"));
          }
        },
        e -> {
          revert();
          status.set(
              messages.get(
                  node.sharing().sharing() ? "app.provider.on-short" : "app.provider.off"));
          error.set(messages.get("app.provider.error", e.getMessage()));
        });
  }

  /** Shows the node's sharing as it is (a new view of a node that may be sharing already). */
  public void showRunning() {
    revert();
    if (node.sharing().sharing()) {
      status.set(messages.get("app.provider.on-short"));
      refreshEarnings();
    }
  }

  private record Started(ServiceProposal proposal, Myst exposureCap) {}

  private void showExposure(Myst cap) {
    exposure.set(
        messages.get(
            "app.provider.exposure",
            cap.toPlainString(),
            Myst.ofBaseUnits(cap.baseUnits().shiftLeft(1)).toPlainString()));
  }

  private void revert() {
    applying = true;
    sharing.set(node.sharing().sharing());
    applying = false;
  }

  /** Reads what sharing has earned, and the sessions open now with their metering. */
  public void refreshEarnings() {
    background.run(
        () ->
            new Snapshot(
                node.sharing().earnings(),
                node.sharing().sessions(),
                node.sharing().refused(),
                node.sharing().exposures(),
                node.reachability()),
        snapshot -> {
          NodeSharing.Earnings e = snapshot.earnings();
          earnings.set(
              messages.get(
                  "app.provider.earnings",
                  e.uncleared().toPlainString(),
                  e.paymentsAccount().toPlainString(),
                  Integer.toString(e.activeSessions())));
          sessions.setAll(snapshot.sessions());
          exposures.setAll(snapshot.exposures());
          refused.set(refusedText(snapshot.refused()));
          reachability.set(reachabilityText(snapshot.reachability()));
        },
        e -> error.set(messages.get("app.error.chain", e.getMessage())));
  }

  private record Snapshot(
      NodeSharing.Earnings earnings,
      java.util.List<ProviderSessions.ActiveSession> sessions,
      java.util.Map<Rejection, Long> refused,
      java.util.List<IssuerExposure> exposures,
      network.mysterium.relay.Reachability reachability) {}

  /** How consumers reach this node, in words (whitepaper 6.6). */
  private String reachabilityText(network.mysterium.relay.Reachability r) {
    String key = "app.provider.reach." + r.kind().name();
    if (r.relays().isEmpty()) {
      return messages.get(key);
    }
    var first = r.relays().getFirst();
    return messages.get(
        key,
        first.relay().getAddress().getHostAddress() + ":" + first.relay().getPort(),
        first.observed().getAddress().getHostAddress() + ":" + first.observed().getPort(),
        first.allocation().toString());
  }

  /** The datagrams refused, in total and by reason, each reason in words. */
  private String refusedText(java.util.Map<Rejection, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return messages.get("app.provider.refused.none");
    }
    java.util.List<String> parts = new java.util.ArrayList<>();
    counts.forEach(
        (reason, count) ->
            parts.add(
                messages.get(
                    "app.provider.refused.reason",
                    messages.get("app.provider.refused." + reason.name()),
                    Long.toString(count))));
    return messages.get("app.provider.refused", Long.toString(total), String.join(", ", parts));
  }

  /** The exposure cap per consumer while sharing, in words. */
  public StringProperty exposure() {
    return exposure;
  }

  /** Datagrams the node refused while sharing, by reason, in words. */
  public StringProperty refused() {
    return refused;
  }

  private static String text(StringProperty p) {
    return p.get() == null ? "" : p.get().strip();
  }

  public StringProperty earnings() {
    return earnings;
  }

  public BooleanProperty sharing() {
    return sharing;
  }

  public StringProperty status() {
    return status;
  }

  public StringProperty error() {
    return error;
  }

  /** The price per MB, as typed. */
  public StringProperty price() {
    return price;
  }

  /** {@code socks5} or {@code wireguard}. */
  public StringProperty serviceType() {
    return serviceType;
  }

  /** The country announced: detected, or typed by the user. */
  public StringProperty country() {
    return country;
  }

  public StringProperty detected() {
    return detected;
  }

  /** Clear a consumer's promises once they reach this many MYST. */
  public StringProperty clearAt() {
    return clearAt;
  }

  /** Clear a consumer's promises once the oldest is this many hours old. */
  public StringProperty clearAfterHours() {
    return clearAfterHours;
  }

  public ObservableList<ProviderSessions.ActiveSession> sessions() {
    return sessions;
  }

  /**
   * Each consumer with a session or promises held here: what it owes here, what other providers
   * reported holding, what it can spend as the check counts it, and what is still accepted.
   */
  /** How consumers reach this node: directly, or only through a relay, and why. */
  public StringProperty reachability() {
    return reachability;
  }

  public ObservableList<IssuerExposure> exposures() {
    return exposures;
  }
}
