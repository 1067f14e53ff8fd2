package network.mysterium.app.view;

import javafx.scene.Parent;
import javafx.scene.control.Label;
import network.mysterium.app.viewmodel.ProviderViewModel;
import network.mysterium.i18n.Messages;
import org.controlsfx.control.ToggleSwitch;

/** "Share my bandwidth": one switch, what it is doing, and the offer once announced. */
public final class ProviderView {
  private ProviderView() {}

  public static Parent build(ProviderViewModel model, Messages messages) {
    ToggleSwitch share = new ToggleSwitch(messages.get("app.provider.share"));
    share.setId("share-switch");
    share.setAccessibleText(messages.get("app.provider.share"));
    share.selectedProperty().bindBidirectional(model.sharing());
    Label status = new Label();
    status.setId("provider-status");
    status.textProperty().bind(model.status());
    status.accessibleTextProperty().bind(model.status());
    status.setWrapText(true);
    Label earnings = new Label();
    earnings.setId("provider-earnings");
    earnings.textProperty().bind(model.earnings());
    earnings.accessibleTextProperty().bind(model.earnings());
    javafx.scene.control.Button refresh = Views.button(messages, "provider-refresh", "app.refresh");
    refresh.setOnAction(e -> model.refreshEarnings());
    Label explain = Views.label(messages, "app.provider.explain");
    explain.setWrapText(true);
    return Views.page(
        Views.heading(messages, "app.nav.provider"),
        explain,
        share,
        status,
        earnings,
        refresh,
        Views.error(model.error(), "provider-error"));
  }
}
