package network.mysterium.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one kept-alive Unix socket connection, for timing requests without a
 * client library's cost in the figure: sends a GET, reads the status line, the headers and a body
 * of Content-Length or chunked.
 */
final class RawHttp implements AutoCloseable {
  private final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(1 << 20);

  RawHttp(Path socket) throws IOException {
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    in.flip();
  }

  /** Sends {@code GET path}; the status. */
  int get(String path, String... headers) throws IOException {
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    request.append("Host: localhost\r\n");
    for (String h : headers) {
      request.append(h).append("\r\n");
    }
    request.append("\r\n");
    ByteBuffer out = ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.US_ASCII));
    while (out.hasRemaining()) {
      channel.write(out);
    }
    return readResponse();
  }

  /** Sends a request whose response stays open (an event stream): only its head is read. */
  void open(String path, String... headers) throws IOException {
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    request.append("Host: localhost\r\n");
    for (String h : headers) {
      request.append(h).append("\r\n");
    }
    request.append("\r\n");
    ByteBuffer out = ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.US_ASCII));
    while (out.hasRemaining()) {
      channel.write(out);
    }
    String status = line();
    if (!status.contains(" 200 ")) {
      throw new IOException("not 200: " + status);
    }
    while (!line().isEmpty()) {
      // headers
    }
  }

  private int readResponse() throws IOException {
    String status = line();
    int code = Integer.parseInt(status.split(" ")[1]);
    long length = -1;
    boolean chunked = false;
    for (String header; !(header = line()).isEmpty(); ) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      for (long size; (size = Long.parseLong(line().strip(), 16)) > 0; ) {
        skip(size);
        line();
      }
      line();
    } else if (length > 0) {
      skip(length);
    }
    return code;
  }

  /** One line of the stream, without its CRLF (or LF). */
  String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      if (!in.hasRemaining()) {
        fill();
      }
      byte b = in.get();
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int n =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
      }
      line.write(b);
    }
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      if (!in.hasRemaining()) {
        fill();
      }
      int step = (int) Math.min(n, in.remaining());
      in.position(in.position() + step);
      n -= step;
    }
  }

  private void fill() throws IOException {
    in.clear();
    int n = channel.read(in);
    in.flip();
    if (n < 0) {
      throw new IOException("the server closed the connection");
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
