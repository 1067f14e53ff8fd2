package network.mysterium.service.tunnel;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Optional;
import network.mysterium.service.wireguard.IpPrefix;

/**
 * The provider's IPv4 tunnel subnet: the first host address is its own (the consumers' gateway and
 * resolver), the others go one per session and come back when the session ends.
 */
final class AddressPool {
  private final IpPrefix subnet;
  private final int base;
  private final int hosts;
  private final BitSet used = new BitSet();

  AddressPool(IpPrefix subnet) {
    if (subnet.address().length != 4 || subnet.bits() > 30 || subnet.bits() < 8) {
      throw new IllegalArgumentException("the tunnel subnet must be IPv4, /8 to /30: " + subnet);
    }
    this.subnet = subnet;
    this.base = ByteBuffer.wrap(subnet.address()).getInt();
    this.hosts = (1 << (32 - subnet.bits())) - 2; // without network and broadcast
    used.set(1); // the gateway
  }

  IpPrefix subnet() {
    return subnet;
  }

  InetAddress gateway() {
    return address(1);
  }

  synchronized Optional<InetAddress> allocate() {
    int next = used.nextClearBit(1);
    if (next > hosts) {
      return Optional.empty();
    }
    used.set(next);
    return Optional.of(address(next));
  }

  synchronized void release(InetAddress address) {
    int offset = ByteBuffer.wrap(address.getAddress()).getInt() - base;
    if (offset > 1 && offset <= hosts) {
      used.clear(offset);
    }
  }

  private InetAddress address(int offset) {
    try {
      return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(base + offset).array());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
