package network.mysterium.service.socks;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import network.mysterium.service.Meter;
import network.mysterium.service.ServiceClient;
import network.mysterium.service.proto.Socks5Offer;

/** The SOCKS5 service on the consumer: a local proxy to the offered exit, pinned to its TLS key. */
public final class Socks5Client implements ServiceClient {
  public static final String TYPE = "socks5";

  private final InetSocketAddress listen;
  private volatile Socks5Proxy proxy;

  /**
   * @param listen where the local proxy listens (loopback; port 0 for any free one)
   */
  public Socks5Client(InetSocketAddress listen) {
    this.listen = listen;
  }

  @Override
  public String serviceType() {
    return TYPE;
  }

  @Override
  public byte[] request() {
    return new byte[0];
  }

  @Override
  public void start(byte[] providerData, byte[] sessionId, Meter meter) throws IOException {
    Socks5Offer offer;
    InetSocketAddress exit;
    try {
      offer = Socks5Offer.parseFrom(providerData);
      exit = new InetSocketAddress(InetAddress.ofLiteral(offer.getHost()), offer.getPort());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new IOException("the provider's SOCKS5 offer is malformed");
    }
    try {
      proxy =
          Socks5Proxy.start(
              listen,
              new Socks5Proxy.Exit(exit, offer.getCertificateSha256().toByteArray(), sessionId),
              meter);
    } catch (IOException e) {
      throw new IOException("cannot open the local SOCKS5 port: " + e.getMessage(), e);
    }
  }

  /** Where applications connect: the local SOCKS5 proxy. */
  public InetSocketAddress address() {
    return proxy.address();
  }

  @Override
  public String describe() {
    return "SOCKS5 proxy at " + address().getAddress().getHostAddress() + ":" + address().getPort();
  }

  @Override
  public void close() {
    Socks5Proxy p = proxy;
    if (p != null) {
      try {
        p.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
