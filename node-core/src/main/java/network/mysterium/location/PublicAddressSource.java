package network.mysterium.location;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Where this node's traffic appears to come from on the Internet: behind NAT, not any address of
 * its own interfaces. The real source asks an echo service over HTTPS ({@link
 * HttpPublicAddressSource}).
 */
public interface PublicAddressSource {
  InetAddress publicAddress() throws IOException;
}
