package network.mysterium.service.socks;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import network.mysterium.service.Meter;
import network.mysterium.service.PinnedTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's end of the SOCKS5 service: a local SOCKS5 server (RFC 1928, no authentication,
 * CONNECT; IPv4, IPv6 and domain names, which the provider resolves). Each connection is carried to
 * the provider over TLS 1.3 pinned to the certificate named in the signed session acceptance, and
 * opened with the session's token. Listens on loopback unless told otherwise, and serves only the
 * user running it: a connection from another account on the machine is closed at once ({@link
 * network.mysterium.net.LocalPeers}); a web page cannot speak SOCKS5 to it.
 */
public final class Socks5Proxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Socks5Proxy.class);
  private static final int VERSION = 5;
  private static final int NO_AUTHENTICATION = 0;
  private static final int NO_ACCEPTABLE_METHOD = 0xff;
  private static final int CONNECT = 1;
  private static final int COMMAND_NOT_SUPPORTED = 7;

  /** Where the provider's exit is and how to open it for this session. */
  public record Exit(InetSocketAddress address, byte[] certificateSha256, byte[] sessionId) {
    public Exit {
      certificateSha256 = certificateSha256.clone();
      sessionId = sessionId.clone();
    }
  }

  private final ServerSocket server;
  private final Exit exit;
  private final Meter meter;
  private final Thread acceptor;
  private final java.util.concurrent.atomic.AtomicLong refusedOtherUsers =
      new java.util.concurrent.atomic.AtomicLong();

  private Socks5Proxy(ServerSocket server, Exit exit, Meter meter) {
    this.server = server;
    this.exit = exit;
    this.meter = meter;
    this.acceptor = Thread.ofVirtual().name("socks5-proxy").unstarted(this::acceptLoop);
  }

  public static Socks5Proxy start(InetSocketAddress listen, Exit exit, Meter meter)
      throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(listen);
    Socks5Proxy proxy = new Socks5Proxy(server, exit, meter);
    proxy.acceptor.start();
    return proxy;
  }

  /** On loopback, on any free port. */
  public static Socks5Proxy onLoopback(Exit exit, Meter meter) throws IOException {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), exit, meter);
  }

  /** Connections refused because another local user opened them. */
  public long refusedOtherUsers() {
    return refusedOtherUsers.get();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (network.mysterium.net.LocalPeers.isAnotherUser(client)) {
          // another account on this machine would spend this user's money
          refusedOtherUsers.incrementAndGet();
          client.close();
          continue;
        }
        Thread.ofVirtual().name("socks5-client").start(() -> serve(client));
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("accepting a SOCKS5 client failed: {}", e.getMessage());
        }
      }
    }
  }

  private void serve(Socket client) {
    SSLSocket tunnel = null;
    try {
      client.setTcpNoDelay(true);
      client.setSoTimeout(15_000);
      DataInputStream in = new DataInputStream(client.getInputStream());
      DataOutputStream out = new DataOutputStream(client.getOutputStream());
      if (in.readUnsignedByte() != VERSION) {
        client.close();
        return;
      }
      byte[] methods = in.readNBytes(in.readUnsignedByte());
      boolean noAuth = false;
      for (byte m : methods) {
        noAuth |= m == NO_AUTHENTICATION;
      }
      out.write(new byte[] {VERSION, (byte) (noAuth ? NO_AUTHENTICATION : NO_ACCEPTABLE_METHOD)});
      out.flush();
      if (!noAuth) {
        client.close();
        return;
      }
      if (in.readUnsignedByte() != VERSION) {
        client.close();
        return;
      }
      int command = in.readUnsignedByte();
      in.readUnsignedByte(); // reserved
      Target target;
      try {
        target = Target.read(in);
      } catch (IOException e) {
        reply(out, Socks5Exit.GENERAL_FAILURE);
        client.close();
        return;
      }
      if (command != CONNECT) {
        reply(out, COMMAND_NOT_SUPPORTED);
        client.close();
        return;
      }
      if (meter.stopped()) {
        reply(out, Socks5Exit.NOT_ALLOWED);
        client.close();
        return;
      }
      try {
        tunnel =
            PinnedTls.connect(exit.address(), exit.certificateSha256(), Duration.ofSeconds(10));
      } catch (IOException e) {
        LOG.warn("cannot reach the provider's exit at {}: {}", exit.address(), e.getMessage());
        reply(out, Socks5Exit.GENERAL_FAILURE);
        client.close();
        return;
      }
      DataOutputStream toExit = new DataOutputStream(tunnel.getOutputStream());
      toExit.write(exit.sessionId());
      target.write(toExit);
      toExit.flush();
      int status = tunnel.getInputStream().read();
      reply(out, status < 0 ? Socks5Exit.GENERAL_FAILURE : status);
      if (status != Socks5Exit.SUCCEEDED) {
        tunnel.close();
        client.close();
        return;
      }
      client.setSoTimeout(0);
      if (!meter.open(client) || !meter.open(tunnel)) {
        return;
      }
      // what the provider wrote and this side's kernel holds unread is delivered: counted
      meter.track(tunnel, Meter.Queue.UNREAD);
      SSLSocket data = tunnel;
      Relay.run(
          client,
          tunnel,
          meter::countFromConsumer,
          meter::countToConsumer,
          clean -> meter.settle(data, clean));
    } catch (IOException e) {
      LOG.debug("SOCKS5 client ended: {}", e.getMessage());
      Relay.closeQuietly(client);
      if (tunnel != null) {
        Relay.closeQuietly(tunnel);
      }
    } finally {
      meter.release(client);
      if (tunnel != null) {
        meter.settle(tunnel, false);
        meter.release(tunnel);
      }
    }
  }

  /** VER REP RSV ATYP BND.ADDR BND.PORT, with an unspecified bound address. */
  private static void reply(DataOutputStream out, int code) throws IOException {
    out.write(new byte[] {VERSION, (byte) code, 0, Target.IPV4, 0, 0, 0, 0, 0, 0});
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    meter.stop();
  }
}
