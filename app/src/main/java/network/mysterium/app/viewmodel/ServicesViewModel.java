package network.mysterium.app.viewmodel;

import java.util.Optional;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import network.mysterium.app.node.DesktopNode;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.i18n.Messages;
import network.mysterium.money.Myst;

/** The services table: proposals matching the filters, cheapest first. */
public final class ServicesViewModel {
  private final DesktopNode node;
  private final Background background;
  private final Messages messages;
  private final ObservableList<ProposalIndex.Listing> listings =
      FXCollections.observableArrayList();
  private final StringProperty type = new SimpleStringProperty("");
  private final StringProperty country = new SimpleStringProperty("");
  private final StringProperty maxPrice = new SimpleStringProperty("");
  private final StringProperty error = new SimpleStringProperty("");

  public ServicesViewModel(DesktopNode node, Background background, Messages messages) {
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
    Optional<String> t = blank(type.get()) ? Optional.empty() : Optional.of(type.get().strip());
    Optional<String> c =
        blank(country.get())
            ? Optional.empty()
            : Optional.of(country.get().strip().toUpperCase(java.util.Locale.ROOT));
    background.run(
        () -> node.proposals(t, c, max),
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

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  public ObservableList<ProposalIndex.Listing> listings() {
    return listings;
  }

  public StringProperty type() {
    return type;
  }

  public StringProperty country() {
    return country;
  }

  public StringProperty maxPrice() {
    return maxPrice;
  }

  public StringProperty error() {
    return error;
  }
}
