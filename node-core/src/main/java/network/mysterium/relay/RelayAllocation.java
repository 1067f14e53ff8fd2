package network.mysterium.relay;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import network.mysterium.crypto.Address;
import network.mysterium.service.TokenBucket;

/** One node's port on a relay (and its TCP port, if one opened). Touched by the relay's thread. */
final class RelayAllocation {
  final Address identity;
  final byte[] token;
  final DatagramChannel channel;

  /** Each way its own bucket: strangers sending to the port cannot spend the node's answers. */
  final TokenBucket in;

  final TokenBucket out;
  final Map<InetSocketAddress, Long> peers;
  final InetSocketAddress node;
  boolean confirmed;
  long lastSeen = System.nanoTime();

  /** The allocation's TCP port for splices; null when it could not open. */
  RelayTcp.Listener tcp;

  RelayAllocation(
      Address identity,
      byte[] token,
      DatagramChannel channel,
      InetSocketAddress node,
      long bytesPerSecond,
      Map<InetSocketAddress, Long> peers) {
    this.identity = identity;
    this.token = token;
    this.channel = channel;
    this.node = node;
    long burst = Math.max(65_536, bytesPerSecond / 4);
    this.in = new TokenBucket(bytesPerSecond, burst, System::nanoTime);
    this.out = new TokenBucket(bytesPerSecond, burst, System::nanoTime);
    this.peers = peers;
  }

  int port() {
    return channel.socket().getLocalPort();
  }

  int splicePort() {
    return tcp == null ? 0 : tcp.port();
  }
}
