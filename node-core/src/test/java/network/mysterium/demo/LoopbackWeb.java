package network.mysterium.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A web server on loopback for the session benchmarks: {@code /small} answers a few bytes (time to
 * first byte), {@code /bulk} a fixed body (throughput), fetched through a SOCKS5 proxy or directly.
 */
final class LoopbackWeb implements AutoCloseable {
  private final HttpServer server;

  LoopbackWeb(int bulkBytes) throws IOException {
    byte[] bulk = new byte[bulkBytes];
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/small",
        exchange -> {
          byte[] page = "first byte".getBytes(StandardCharsets.US_ASCII);
          exchange.sendResponseHeaders(200, page.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(page);
          }
        });
    server.createContext(
        "/bulk",
        exchange -> {
          exchange.sendResponseHeaders(200, bulk.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(bulk);
          }
        });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Bytes read from {@code path} through the proxy (only the first when {@code firstByteOnly}). */
  long fetch(InetSocketAddress socks, String path, boolean firstByteOnly) throws IOException {
    try (Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, socks))) {
      socket.connect(InetSocketAddress.createUnresolved("localhost", port()), 10_000);
      return exchange(socket, path, firstByteOnly);
    }
  }

  long fetchDirect() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
      return exchange(socket, "/bulk", false);
    }
  }

  private static long exchange(Socket socket, String path, boolean firstByteOnly)
      throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    if (firstByteOnly) {
      return in.read() >= 0 ? 1 : 0;
    }
    byte[] buffer = new byte[256 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      total += n;
    }
    return total;
  }

  interface Transfer {
    long run() throws Exception;
  }

  static double megabytesPerSecond(Transfer transfer) throws Exception {
    long t0 = System.nanoTime();
    long bytes = transfer.run();
    return bytes / 1e6 / ((System.nanoTime() - t0) / 1e9);
  }

  static double median(List<Double> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
