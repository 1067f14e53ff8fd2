package network.mysterium.app;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import network.mysterium.app.viewmodel.ProviderViewModel;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;
import network.mysterium.service.tunnel.WireGuardBackend;

/**
 * How "Share my bandwidth" runs the offer the user chose: where it listens, and the limits the user
 * is not asked about (promises from 0.01 MYST; uncleared per consumer at most the exposure cap,
 * half the registration stake as read from the chain, whitepaper 6.5.6).
 */
public final class ProviderDefaults {
  private ProviderDefaults() {}

  /** On this machine's loopback: the local network of the demo and the tests. */
  public static ProviderNode.Config loopback(ProviderViewModel.Offer offer, Myst exposureCap) {
    return config(offer, "127.0.0.1", true, exposureCap);
  }

  /**
   * On every interface, announced at {@code advertisedHost} (the public address, as detected):
   * consumers reach it from the Internet, and it refuses to carry them into private networks.
   */
  public static ProviderNode.Config internet(
      ProviderViewModel.Offer offer, String advertisedHost, Myst exposureCap) {
    return config(offer, advertisedHost, false, exposureCap);
  }

  private static ProviderNode.Config config(
      ProviderViewModel.Offer offer, String advertisedHost, boolean loopback, Myst exposureCap) {
    InetAddress bind = loopback ? InetAddress.getLoopbackAddress() : anyAddress();
    return new ProviderNode.Config(
        offer.serviceType(),
        WireGuardBackend.Settings.defaults(0, loopback),
        Contact.parse("udp://" + bind.getHostAddress() + ":0"),
        new InetSocketAddress(bind, 0),
        advertisedHost,
        offer.place(),
        offer.pricePerMegabyte(),
        Myst.parse("0.01"),
        exposureCap,
        Myst.parse("0"),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        loopback, // the local network's pages are on loopback
        offer.clearing());
  }

  private static InetAddress anyAddress() {
    try {
      return InetAddress.getByName("0.0.0.0");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
