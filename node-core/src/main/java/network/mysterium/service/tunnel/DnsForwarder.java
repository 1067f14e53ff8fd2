package network.mysterium.service.tunnel;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's resolver for its tunnel: DNS queries to its tunnel address go on to the provider's
 * own resolver (first nameserver in /etc/resolv.conf), so consumers' names are looked up from the
 * provider's side, never from the consumer's network. UDP only; each query on a socket of its own,
 * so answers cannot be confused.
 */
final class DnsForwarder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DnsForwarder.class);

  private final DatagramSocket socket;
  private final InetSocketAddress upstream;
  private final ExecutorService queries = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore inFlight = new Semaphore(256);
  private final Thread listener;

  private DnsForwarder(DatagramSocket socket, InetSocketAddress upstream) {
    this.socket = socket;
    this.upstream = upstream;
    this.listener = Thread.ofPlatform().name("dns-forwarder").daemon().unstarted(this::listen);
  }

  static DnsForwarder start(InetSocketAddress listen, InetSocketAddress upstream)
      throws IOException {
    DatagramSocket socket = new DatagramSocket(listen);
    DnsForwarder forwarder = new DnsForwarder(socket, upstream);
    forwarder.listener.start();
    return forwarder;
  }

  /** The first nameserver of the system's resolv.conf. */
  static InetSocketAddress systemResolver(Path resolvConf) throws IOException {
    for (String line : Files.readAllLines(resolvConf)) {
      String[] words = line.strip().split("\\s+");
      if (words.length >= 2 && words[0].equals("nameserver")) {
        return new InetSocketAddress(InetAddress.ofLiteral(words[1]), 53);
      }
    }
    throw new IOException("no nameserver in " + resolvConf);
  }

  private void listen() {
    while (!socket.isClosed()) {
      DatagramPacket query = new DatagramPacket(new byte[4096], 4096);
      try {
        socket.receive(query);
      } catch (IOException e) {
        return; // closed
      }
      if (!inFlight.tryAcquire()) {
        continue; // too many at once: dropped, the client retries
      }
      queries.submit(
          () -> {
            try {
              forward(query);
            } finally {
              inFlight.release();
            }
          });
    }
  }

  private void forward(DatagramPacket query) {
    try (DatagramSocket out = new DatagramSocket()) {
      out.setSoTimeout(5000);
      out.send(new DatagramPacket(query.getData(), query.getLength(), upstream));
      DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
      do {
        out.receive(answer);
      } while (!answer.getSocketAddress().equals(upstream)
          || answer.getLength() < 2
          || !Arrays.equals(answer.getData(), 0, 2, query.getData(), 0, 2)); // same query id
      socket.send(
          new DatagramPacket(answer.getData(), answer.getLength(), query.getSocketAddress()));
    } catch (SocketException e) {
      // closed
    } catch (IOException e) {
      LOG.debug("a DNS query got no answer from {}: {}", upstream, e.getMessage());
    }
  }

  @Override
  public void close() {
    socket.close();
    queries.shutdownNow();
  }
}
