package network.mysterium.service.wireguard;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import network.mysterium.tun.TunDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WireGuard tunnel to one peer, as its initiator: packets the system routes into the TUN device
 * go sealed to the peer over UDP, and what the peer sends comes out of the device. Handshakes again
 * when there is no session, at most every 5 s (REKEY_TIMEOUT). A first data plane: one peer, one
 * packet per system call; timers beyond the retry and cookies are still to come.
 */
public final class WireGuardTunnel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WireGuardTunnel.class);
  private static final long REKEY_TIMEOUT_NANOS = 5_000_000_000L;

  private final TunDevice tun;
  private final DatagramSocket udp;
  private final InetSocketAddress peer;
  private final byte[] ourPrivate;
  private final byte[] peerPublic;
  private final byte[] presharedKey;
  private final SecureRandom random = new SecureRandom();
  private final Thread outbound;
  private final Thread inbound;
  private volatile Session session;
  private volatile Initiator pending;
  private volatile long lastInitiation;
  private volatile boolean closed;

  private WireGuardTunnel(
      TunDevice tun,
      DatagramSocket udp,
      InetSocketAddress peer,
      byte[] ourPrivate,
      byte[] peerPublic,
      byte[] presharedKey) {
    this.tun = tun;
    this.udp = udp;
    this.peer = peer;
    this.ourPrivate = ourPrivate.clone();
    this.peerPublic = peerPublic.clone();
    this.presharedKey = presharedKey.clone();
    this.outbound =
        Thread.ofPlatform().name("wg-out-" + tun.name()).daemon().unstarted(this::outbound);
    this.inbound =
        Thread.ofPlatform().name("wg-in-" + tun.name()).daemon().unstarted(this::inbound);
  }

  /** Starts the tunnel and its first handshake. */
  public static WireGuardTunnel start(
      TunDevice tun,
      DatagramSocket udp,
      InetSocketAddress peer,
      byte[] ourPrivate,
      byte[] peerPublic,
      byte[] presharedKey)
      throws IOException {
    WireGuardTunnel tunnel =
        new WireGuardTunnel(tun, udp, peer, ourPrivate, peerPublic, presharedKey);
    udp.setSoTimeout(200);
    tunnel.initiate();
    tunnel.inbound.start();
    tunnel.outbound.start();
    return tunnel;
  }

  /** Whether a handshake completed (a session is up). */
  public boolean established() {
    return session != null;
  }

  private synchronized void initiate() throws IOException {
    long now = System.nanoTime();
    if (pending != null && now - lastInitiation < REKEY_TIMEOUT_NANOS) {
      return;
    }
    Initiator initiator = new Initiator(ourPrivate, peerPublic, presharedKey, random.nextInt());
    byte[] message = initiator.initiation(random, Instant.now());
    pending = initiator;
    lastInitiation = now;
    udp.send(new DatagramPacket(message, message.length, peer));
  }

  private void outbound() {
    ByteBuffer packet = ByteBuffer.allocateDirect(Math.max(tun.mtu(), 1500));
    while (!closed) {
      try {
        packet.clear();
        int n = tun.read(packet, 200);
        Session current = session;
        if (current == null) {
          initiate(); // the packet is dropped; the next ones go once the handshake is done
          continue;
        }
        if (n == 0) {
          continue;
        }
        packet.flip();
        byte[] bytes = new byte[n];
        packet.get(bytes);
        byte[] sealed = current.seal(bytes);
        udp.send(new DatagramPacket(sealed, sealed.length, peer));
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("tunnel {}: {}", tun.name(), e.getMessage());
        }
      }
    }
  }

  private void inbound() {
    DatagramPacket datagram = new DatagramPacket(new byte[65_535], 65_535);
    while (!closed) {
      try {
        udp.receive(datagram);
        byte[] message = Arrays.copyOf(datagram.getData(), datagram.getLength());
        if (message.length == Initiator.RESPONSE_SIZE && message[0] == 2 && pending != null) {
          session = pending.consume(message);
          pending = null;
        } else if (message.length >= 32 && message[0] == 4 && session != null) {
          byte[] padded = session.open(message);
          int length = ipLength(padded);
          if (length > 0) {
            tun.write(ByteBuffer.wrap(padded, 0, length));
          }
        }
      } catch (SocketTimeoutException e) {
        // nothing arrived: look at the closed flag again
      } catch (Initiator.HandshakeException | AEADBadTagException e) {
        LOG.debug("dropped a datagram: {}", e.getMessage());
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("tunnel {}: {}", tun.name(), e.getMessage());
        }
      }
    }
  }

  /** The IP packet's own length (padding removed), 0 for a keepalive or garbage. */
  static int ipLength(byte[] packet) {
    if (packet.length < 20) {
      return 0;
    }
    int version = (packet[0] >> 4) & 0xf;
    int length =
        version == 4
            ? ((packet[2] & 0xff) << 8) | (packet[3] & 0xff)
            : version == 6 && packet.length >= 40
                ? 40 + (((packet[4] & 0xff) << 8) | (packet[5] & 0xff))
                : 0;
    return length <= packet.length ? length : 0;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    try {
      outbound.join(2000);
      inbound.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
