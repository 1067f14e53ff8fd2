package network.mysterium.service.socks;

import com.google.protobuf.ByteString;
import java.net.InetSocketAddress;
import network.mysterium.service.Meter;
import network.mysterium.service.ServiceBackend;
import network.mysterium.service.proto.Socks5Offer;

/**
 * The SOCKS5 service type on the provider: every session is offered the same exit (address and
 * pinned certificate); the session id is the token that opens it.
 */
public final class Socks5Backend implements ServiceBackend {
  private final String advertisedHost;
  private final int port;
  private final byte[] certificateSha256;

  /**
   * @param advertisedHost the IP address consumers reach the exit at (the provider's public one)
   */
  public Socks5Backend(String advertisedHost, InetSocketAddress exit, byte[] certificateSha256) {
    this.advertisedHost = advertisedHost;
    this.port = exit.getPort();
    this.certificateSha256 = certificateSha256.clone();
  }

  @Override
  public byte[] open(byte[] sessionId, byte[] serviceData, Meter meter) {
    return Socks5Offer.newBuilder()
        .setHost(advertisedHost)
        .setPort(port)
        .setCertificateSha256(ByteString.copyFrom(certificateSha256))
        .build()
        .toByteArray();
  }
}
