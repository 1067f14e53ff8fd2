package network.mysterium.service.socks;

import com.google.protobuf.ByteString;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;
import network.mysterium.service.Meter;
import network.mysterium.service.ServiceBackend;
import network.mysterium.service.proto.Socks5Offer;

/**
 * The SOCKS5 service type on the provider: every session is offered the same exit (address and
 * pinned certificate), directly or through a relay's TCP splice; the session id is the token that
 * opens it.
 */
public final class Socks5Backend implements ServiceBackend {
  private final String advertisedHost;
  private final int port;
  private final byte[] certificateSha256;
  private final Supplier<Optional<InetSocketAddress>> relayed;

  /**
   * @param advertisedHost the IP address consumers reach the exit at (the provider's public one)
   */
  public Socks5Backend(String advertisedHost, InetSocketAddress exit, byte[] certificateSha256) {
    this(advertisedHost, exit, certificateSha256, Optional::empty);
  }

  /**
   * @param relayed where consumers reach the exit instead, when it is present: a relay's TCP port
   *     for a provider behind a NAT (asked at each session: the relays' view may change)
   */
  public Socks5Backend(
      String advertisedHost,
      InetSocketAddress exit,
      byte[] certificateSha256,
      Supplier<Optional<InetSocketAddress>> relayed) {
    this.advertisedHost = advertisedHost;
    this.port = exit.getPort();
    this.certificateSha256 = certificateSha256.clone();
    this.relayed = relayed;
  }

  @Override
  public byte[] open(byte[] sessionId, byte[] serviceData, Meter meter) {
    Optional<InetSocketAddress> through = relayed.get();
    return Socks5Offer.newBuilder()
        .setHost(through.map(a -> a.getAddress().getHostAddress()).orElse(advertisedHost))
        .setPort(through.map(InetSocketAddress::getPort).orElse(port))
        .setCertificateSha256(ByteString.copyFrom(certificateSha256))
        .build()
        .toByteArray();
  }
}
