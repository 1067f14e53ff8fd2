package network.mysterium.messaging.channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * How to reach a node, as proposals list it (whitepaper 6.4.2): a channel type and an address,
 * written as a URI such as {@code udp://203.0.113.7:5000} or {@code tcp://[2001:db8::1]:5000}.
 */
public record Contact(String type, InetSocketAddress address) {
  /**
   * A peer reached through a relay, at the address the relay saw it send from: a node's own
   * reckoning, answered through that relay; never read from a proposal (see {@link #parse}).
   */
  public static final String RELAYED = "relayed";

  public Contact {
    if (type == null || !type.equals("udp") && !type.equals("tcp") && !type.equals(RELAYED)) {
      throw new IllegalArgumentException("unknown channel type '" + type + "' (udp, tcp)");
    }
  }

  public static Contact parse(String text) {
    URI uri;
    try {
      uri = URI.create(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a contact: '" + text + "'");
    }
    if (uri.getScheme() == null || uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException(
          "a contact looks like udp://HOST:PORT, got '" + text + "'");
    }
    if (!uri.getScheme().equals("udp") && !uri.getScheme().equals("tcp")) {
      throw new IllegalArgumentException(
          "unknown channel type '" + uri.getScheme() + "' (udp, tcp)");
    }
    String host = uri.getHost().replaceAll("^\\[|\\]$", "");
    InetAddress address;
    try {
      // IP literals only: reading a contact (e.g. from a proposal) never triggers a DNS lookup.
      address = InetAddress.ofLiteral(host);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a contact's host is an IP address, got '" + host + "'");
    }
    return new Contact(uri.getScheme(), new InetSocketAddress(address, uri.getPort()));
  }

  @Override
  public String toString() {
    String host = address.getAddress().getHostAddress();
    return type + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
