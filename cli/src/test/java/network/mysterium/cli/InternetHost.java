package network.mysterium.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The "internet" of the tunnel test, run in a network namespace of its own: an HTTP server that
 * answers with the address it sees, and a DNS server that answers A queries for names under {@code
 * .test} with one address. Both print who asked, one line each, for the test to read.
 *
 * <p>Usage: {@code InternetHost HTTP_PORT ANSWER_ADDRESS}
 */
public final class InternetHost {
  private InternetHost() {}

  public static void main(String[] args) throws Exception {
    int httpPort = Integer.parseInt(args[0]);
    byte[] answer = InetAddress.ofLiteral(args[1]).getAddress();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    HttpServer web = HttpServer.create(new InetSocketAddress(httpPort), 16);
    web.createContext(
        "/",
        exchange -> {
          String seen = exchange.getRemoteAddress().getAddress().getHostAddress();
          out.println("HTTP from " + seen);
          byte[] body = ("you are " + seen + "\n").getBytes(StandardCharsets.US_ASCII);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    web.start();
    try (DatagramSocket dns = new DatagramSocket(53)) {
      out.println("READY");
      DatagramPacket query = new DatagramPacket(new byte[512], 512);
      while (true) {
        dns.receive(query);
        byte[] reply = reply(query.getData(), query.getLength(), answer, out, query.getAddress());
        if (reply != null) {
          dns.send(new DatagramPacket(reply, reply.length, query.getSocketAddress()));
        }
      }
    }
  }

  /** A reply to a one-question query: the address for .test names, NXDOMAIN otherwise. */
  private static byte[] reply(
      byte[] query, int length, byte[] answer, PrintStream out, InetAddress from) {
    if (length < 17) {
      return null;
    }
    StringBuilder name = new StringBuilder();
    int at = 12;
    while (at < length && query[at] != 0) {
      int label = query[at] & 0xff;
      if (at + 1 + label > length) {
        return null;
      }
      if (!name.isEmpty()) {
        name.append('.');
      }
      name.append(new String(query, at + 1, label, StandardCharsets.US_ASCII));
      at += 1 + label;
    }
    int questionEnd = at + 5; // zero label, type, class
    if (questionEnd > length) {
      return null;
    }
    int type = ((query[at + 1] & 0xff) << 8) | (query[at + 2] & 0xff);
    out.println("DNS " + name + " from " + from.getHostAddress());
    boolean known = name.toString().endsWith(".test");
    boolean withAnswer = known && type == 1;
    ByteBuffer reply = ByteBuffer.allocate(questionEnd + 16);
    reply.put(query, 0, 2); // id
    reply.putShort((short) (0x8180 | (known ? 0 : 3))); // response, RD, RA, NXDOMAIN if unknown
    reply.putShort((short) 1).putShort((short) (withAnswer ? 1 : 0));
    reply.putShort((short) 0).putShort((short) 0);
    reply.put(query, 12, questionEnd - 12);
    if (withAnswer) {
      reply.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1);
      reply.putInt(60).putShort((short) 4).put(answer);
    }
    byte[] bytes = new byte[reply.position()];
    reply.flip().get(bytes);
    return bytes;
  }
}
