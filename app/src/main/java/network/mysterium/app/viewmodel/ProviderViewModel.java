package network.mysterium.app.viewmodel;

import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import network.mysterium.app.node.DesktopNode;
import network.mysterium.i18n.Messages;
import network.mysterium.provider.ProviderNode;

/**
 * "Share my bandwidth": the toggle starts this node as a SOCKS5 provider (announced on chain) and
 * stops it; the status says which, and the proposal once announced.
 */
public final class ProviderViewModel {
  private final DesktopNode node;
  private final Background background;
  private final Messages messages;
  private final Supplier<ProviderNode.Config> config;
  private final BooleanProperty sharing = new SimpleBooleanProperty();
  private final StringProperty status = new SimpleStringProperty();
  private final StringProperty error = new SimpleStringProperty("");
  private final StringProperty price = new SimpleStringProperty("");
  private final StringProperty earnings = new SimpleStringProperty("");
  private boolean applying;

  /**
   * @param config how to provide (price, location, where to listen), read when sharing starts
   */
  public ProviderViewModel(
      DesktopNode node,
      Background background,
      Messages messages,
      Supplier<ProviderNode.Config> config) {
    this.node = node;
    this.background = background;
    this.messages = messages;
    this.config = config;
    status.set(messages.get("app.provider.off"));
    sharing.addListener(
        (o, was, on) -> {
          if (!applying) {
            apply(on);
          }
        });
  }

  private void apply(boolean on) {
    error.set("");
    status.set(messages.get(on ? "app.provider.starting" : "app.provider.stopping"));
    background.run(
        () -> {
          if (on) {
            return node.startProviding(config.get(), 40_000);
          }
          node.stopProviding();
          return null;
        },
        provider -> {
          if (provider != null) {
            price.set(provider.proposal().pricePerUnit().toPlainString());
            refreshEarnings();
            status.set(
                messages.get(
                    "app.provider.on",
                    provider.proposal().providedFrom().country(),
                    provider.proposal().pricePerUnit().toPlainString()));
          } else {
            status.set(messages.get("app.provider.off"));
          }
        },
        e -> {
          applying = true;
          sharing.set(node.providing());
          applying = false;
          status.set(messages.get(node.providing() ? "app.provider.on-short" : "app.provider.off"));
          error.set(messages.get("app.provider.error", e.getMessage()));
        });
  }

  /** Reads what sharing has earned, and the sessions open now. */
  public void refreshEarnings() {
    background.run(
        node::earnings,
        e ->
            earnings.set(
                messages.get(
                    "app.provider.earnings",
                    e.uncleared().toPlainString(),
                    e.paymentsAccount().toPlainString(),
                    Integer.toString(e.activeSessions()))),
        e -> error.set(messages.get("app.error.chain", e.getMessage())));
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

  public StringProperty price() {
    return price;
  }
}
