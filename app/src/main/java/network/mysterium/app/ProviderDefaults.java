package network.mysterium.app;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.provider.ProviderNode;

/** How "Share my bandwidth" provides when the user has not changed anything. */
public final class ProviderDefaults {
  private ProviderDefaults() {}

  /**
   * SOCKS5 on this machine's loopback (the local network of the demo and the tests): 0.01 MYST per
   * MB, promises from 0.01 MYST, at most 1 MYST uncleared per consumer.
   */
  public static ProviderNode.Config loopbackSocks5(ServiceProposal.Place place) {
    return new ProviderNode.Config(
        "socks5",
        null,
        Contact.parse("udp://127.0.0.1:0"),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        "127.0.0.1",
        place,
        Myst.parse("0.01"),
        Myst.parse("0.01"),
        Myst.parse("1"),
        Myst.parse("0"),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        true, // the local network's pages are on loopback
        ProviderNode.ClearingPolicy.defaults());
  }
}
