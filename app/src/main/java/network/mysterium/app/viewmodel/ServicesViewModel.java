package network.mysterium.app.viewmodel;

import java.util.Optional;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.i18n.Messages;
import network.mysterium.money.Myst;
import network.mysterium.node.Node;
import network.mysterium.node.ProposalFilter;

/**
 * The services table: proposals matching the filters (type, the country the service is provided
 * from, the country its traffic appears from, maximum price, minimum bandwidth, preferred only),
 * cheapest first.
 */
public final class ServicesViewModel {
  private final Node node;
  private final Background background;
  private final Messages messages;
  private final ObservableList<ProposalIndex.Listing> listings =
      FXCollections.observableArrayList();
  private final StringProperty type = new SimpleStringProperty("");
  private final StringProperty country = new SimpleStringProperty("");
  private final StringProperty maxPrice = new SimpleStringProperty("");
  private final StringProperty origin = new SimpleStringProperty("");
  private final StringProperty minBandwidth = new SimpleStringProperty("");
  private final BooleanProperty preferredOnly = new SimpleBooleanProperty();
  private final StringProperty error = new SimpleStringProperty("");

  public ServicesViewModel(Node node, Background background, Messages messages) {
    this.node = node;
    this.background = background;
    this.messages = messages;
  }

  public void refresh() {
    error.set("");
    Optional<Myst> max;
    try {
      max = blank(maxPrice.get()) ? Optional.empty() : Optional.of(Myst.parse(maxPrice.get()));
    } catch (RuntimeException e) {
      error.set(messages.get("app.services.error.price", maxPrice.get()));
      return;
    }
    Optional<Long> minKbps;
    try {
      // typed in Mbit/s, as people know their line; the index holds kbit/s
      minKbps =
          blank(minBandwidth.get())
              ? Optional.empty()
              : Optional.of(
                  new java.math.BigDecimal(minBandwidth.get().strip())
                      .movePointRight(3)
                      .longValueExact());
      if (minKbps.isPresent() && minKbps.get() < 0) {
        throw new NumberFormatException("negative");
      }
    } catch (RuntimeException e) {
      error.set(messages.get("app.services.error.bandwidth", minBandwidth.get()));
      return;
    }
    Optional<String> t = blank(type.get()) ? Optional.empty() : Optional.of(type.get().strip());
    ProposalFilter filter =
        new ProposalFilter(
            t,
            countryCode(country.get()),
            countryCode(origin.get()),
            Optional.empty(),
            Optional.empty(),
            max,
            minKbps,
            false,
            preferredOnly.get(),
            ProposalFilter.MAX_LIMIT);
    background.run(
        // relays are services for providers, not for this table: shown only when asked for
        () ->
            node.proposals(filter).stream()
                .filter(
                    l ->
                        t.isPresent()
                            || !l.proposal()
                                .serviceType()
                                .equals(network.mysterium.node.ServiceTypes.RELAY))
                .toList(),
        listings::setAll,
        e -> error.set(messages.get("app.error.search", e.getMessage())));
  }

  /** Stars a provider: it is preferred from now on (searches can put it first). */
  public void prefer(ProposalIndex.Listing listing) {
    background.run(
        () -> {
          node.prefer(listing.proposal().provider());
          return listing;
        },
        done -> refresh(),
        e -> error.set(messages.get("app.error.search", e.getMessage())));
  }

  private static Optional<String> countryCode(String typed) {
    return blank(typed)
        ? Optional.empty()
        : Optional.of(typed.strip().toUpperCase(java.util.Locale.ROOT));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  public ObservableList<ProposalIndex.Listing> listings() {
    return listings;
  }

  public StringProperty type() {
    return type;
  }

  /** The proposal's {@code provided_from}: where the provider's service is attached. */
  public StringProperty country() {
    return country;
  }

  /** The proposal's {@code origin}: where tunnelled traffic appears to originate. */
  public StringProperty origin() {
    return origin;
  }

  /** The least bandwidth wanted, in Mbit/s. */
  public StringProperty minBandwidth() {
    return minBandwidth;
  }

  public BooleanProperty preferredOnly() {
    return preferredOnly;
  }

  public StringProperty maxPrice() {
    return maxPrice;
  }

  public StringProperty error() {
    return error;
  }
}
