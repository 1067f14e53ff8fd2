package network.mysterium.relay;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.channel.UdpChannel;
import network.mysterium.service.Meter;
import network.mysterium.service.PinnedTls;
import network.mysterium.service.socks.Socks5Exit;
import network.mysterium.service.socks.Socks5Proxy;

/**
 * A process of the SOCKS5-through-a-relay NAT test, run in a namespace: {@code web PORT BYTES}
 * serves a page of that many random bytes and prints its SHA-256; {@code provider RELAY_IP:PORT}
 * (its key on standard input, never a command line) registers with the relay, runs a SOCKS5 exit
 * served through the relay's splices, and prints where consumers reach it and the session's pin and
 * token; {@code consumer} reads {@code fetch EXIT PIN SESSION WEB_IP:PORT} lines and fetches the
 * page through its own SOCKS5 proxy. What the test reads is printed on lines starting {@code LAB }.
 */
public final class RelaySocksLabPeer {
  private RelaySocksLabPeer() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    switch (args[0]) {
      case "web" -> web(in, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      case "provider" -> provider(in, parse(args[1]));
      case "consumer" -> consumer(in);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(
        InetAddress.ofLiteral(hostPort.substring(0, colon)),
        Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static void say(String line) {
    System.out.println("LAB " + line);
    System.out.flush();
  }

  private static void web(BufferedReader in, int port, int size) throws Exception {
    byte[] page = new byte[size];
    new SecureRandom().nextBytes(page);
    HttpServer web = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, page.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(page);
          }
        });
    web.start();
    say("ready sha256 " + Hex.encode(MessageDigest.getInstance("SHA-256").digest(page)));
    while (in.readLine() != null) {
      // until the test closes standard input, or ends the process
    }
    web.stop(0);
  }

  private static void provider(BufferedReader in, InetSocketAddress relay) throws Exception {
    PrivateKey key = PrivateKey.of(Hex.decode(in.readLine().strip()));
    SecureRandom random = new SecureRandom();
    byte[] session = new byte[16];
    random.nextBytes(session);
    Meter meter = new Meter();
    PinnedTls tls = PinnedTls.generate(random);
    RelayedChannel channel =
        new RelayedChannel(
            UdpChannel.bind(new InetSocketAddress("0.0.0.0", 0)),
            key,
            List.of(relay),
            Duration.ofSeconds(5));
    // private targets refused as in production: the web host's address is a public one
    try (Socks5Exit exit =
        Socks5Exit.start(
            tls,
            new InetSocketAddress("0.0.0.0", 0),
            token -> Arrays.equals(token, session) ? Optional.of(meter) : Optional.empty(),
            false)) {
      channel.start((datagram, from) -> {});
      channel.splices().serve(exit::serveDialed);
      channel.registrations().getFirst().get(20, TimeUnit.SECONDS);
      Optional<InetSocketAddress> through = channel.splices().address();
      say(
          "exit "
              + through.map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).orElse("none")
              + " kind "
              + Reachability.of(Optional.of(channel)).kind()
              + " pin "
              + Hex.encode(tls.certificateSha256())
              + " session "
              + Hex.encode(session));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.strip().equals("meter")) {
          say("meter to-consumer " + meter.bytesToConsumer());
        }
      }
    } finally {
      channel.close();
      key.destroy();
    }
  }

  private static void consumer(BufferedReader in) throws Exception {
    say("ready");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.strip().split(" ");
      if (words.length != 5 || !words[0].equals("fetch")) {
        continue;
      }
      long start = System.nanoTime();
      try (Socks5Proxy proxy =
          Socks5Proxy.onLoopback(
              new Socks5Proxy.Exit(parse(words[1]), Hex.decode(words[2]), Hex.decode(words[3])),
              new Meter())) {
        byte[] body = get(proxy.address(), parse(words[4]));
        long ms = (System.nanoTime() - start) / 1_000_000;
        say(
            "fetched "
                + body.length
                + " sha256 "
                + Hex.encode(MessageDigest.getInstance("SHA-256").digest(body))
                + " ms "
                + ms);
      } catch (IOException | RuntimeException e) {
        say("failed " + e);
      }
    }
  }

  /** An HTTP/1.0 GET through the SOCKS5 proxy (the JDK's SOCKS client): the body. */
  private static byte[] get(InetSocketAddress proxy, InetSocketAddress web) throws IOException {
    try (Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, proxy))) {
      socket.setSoTimeout(30_000);
      socket.connect(web, 15_000);
      socket
          .getOutputStream()
          .write(
              ("GET / HTTP/1.0\r\nHost: " + web.getAddress().getHostAddress() + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream response = socket.getInputStream();
      byte[] all = response.readAllBytes();
      for (int i = 0; i + 3 < all.length; i++) {
        if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
          return Arrays.copyOfRange(all, i + 4, all.length);
        }
      }
      throw new IOException("no HTTP response: " + all.length + " bytes");
    }
  }
}
