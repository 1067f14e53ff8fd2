package network.mysterium.service;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS 1.3 for a service's data channel, authenticated by pinning instead of a CA: the provider
 * makes a throwaway certificate, puts its SHA-256 in the signed session acceptance (which travels
 * over the authenticated, encrypted dialogue), and the consumer accepts exactly that certificate.
 */
public final class PinnedTls {
  private final SSLContext server;
  private final byte[] certificateSha256;

  private PinnedTls(SSLContext server, byte[] certificateSha256) {
    this.server = server;
    this.certificateSha256 = certificateSha256;
  }

  /** A fresh P-256 key and self-signed certificate, held only in memory. */
  public static PinnedTls generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair pair = generator.generateKeyPair();
      X500Name name = new X500Name("CN=mysterium service");
      Instant now = Instant.now();
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          name,
                          new BigInteger(64, random),
                          Date.from(now.minus(Duration.ofDays(1))),
                          Date.from(now.plus(Duration.ofDays(365))),
                          name,
                          pair.getPublic())
                      .build(
                          new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry(
          "service", pair.getPrivate(), password, new X509Certificate[] {certificate});
      KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(keys.getKeyManagers(), null, random);
      return new PinnedTls(context, sha256(certificate));
    } catch (GeneralSecurityException
        | IOException
        | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot make a TLS certificate: " + e.getMessage(), e);
    }
  }

  public byte[] certificateSha256() {
    return certificateSha256.clone();
  }

  /** A TLS 1.3 server socket with this certificate. */
  public SSLServerSocket listen(InetSocketAddress address) throws IOException {
    SSLServerSocket socket = (SSLServerSocket) server.getServerSocketFactory().createServerSocket();
    socket.setEnabledProtocols(new String[] {"TLSv1.3"});
    socket.bind(address);
    return socket;
  }

  /**
   * The server's end of TLS 1.3 with this certificate over a connection made otherwise (one dialed
   * back to a relay that splices it to the consumer's): the handshake runs at the first read.
   */
  public SSLSocket serve(Socket plain) throws IOException {
    SSLSocket socket =
        (SSLSocket)
            server
                .getSocketFactory()
                .createSocket(
                    plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    socket.setUseClientMode(false);
    socket.setEnabledProtocols(new String[] {"TLSv1.3"});
    return socket;
  }

  /**
   * Connects with TLS 1.3 and completes the handshake, accepting only the certificate whose SHA-256
   * is pinned.
   */
  public static SSLSocket connect(InetSocketAddress address, byte[] pinnedSha256, Duration timeout)
      throws IOException {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLSv1.3");
      context.init(null, new X509TrustManager[] {new Pin(pinnedSha256)}, new SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS 1.3 is not available: " + e.getMessage(), e);
    }
    Socket plain = new Socket();
    plain.connect(address, (int) timeout.toMillis());
    plain.setTcpNoDelay(true);
    SSLSocket socket =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(plain, address.getHostString(), address.getPort(), true);
    socket.setEnabledProtocols(new String[] {"TLSv1.3"});
    socket.setSoTimeout((int) timeout.toMillis());
    socket.startHandshake();
    socket.setSoTimeout(0);
    return socket;
  }

  static byte[] sha256(X509Certificate certificate) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trusts one certificate, by its SHA-256; no CA, no host name. */
  private record Pin(byte[] pinned) implements X509TrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (chain.length == 0 || !MessageDigest.isEqual(PinnedTls.sha256(chain[0]), pinned)) {
        throw new CertificateException("the service's certificate is not the one pinned");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("no client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
