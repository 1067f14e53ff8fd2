package network.mysterium.messaging.channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * How to reach a node, as proposals list it (whitepaper 6.4.2): a channel type and an address,
 * written as a URI such as {@code udp://203.0.113.7:5000} or {@code tcp://[2001:db8::1]:5000}.
 */
public record Contact(String type, InetSocketAddress address) {
  public Contact {
    if (!type.equals("udp") && !type.equals("tcp")) {
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
    String host = uri.getHost().replaceAll("^\\[|\\]$", "");
    try {
      return new Contact(
          uri.getScheme(), new InetSocketAddress(InetAddress.getByName(host), uri.getPort()));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host in contact '" + text + "'");
    }
  }

  @Override
  public String toString() {
    String host = address.getAddress().getHostAddress();
    return type + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
