package network.mysterium.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

/**
 * Who may call, checked before any route runs (a refused request runs nothing): no browser (a
 * request with {@code Origin} or {@code Referer} is a page's, and a non-loopback {@code Host} is
 * DNS rebinding), and on TCP only a caller that read the token file.
 */
final class Gate implements Handler {
  private static final Pattern LOOPBACK_HOST =
      Pattern.compile("(?i)(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{1,5})?");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gate.class);

  private final byte[] expected;
  private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> refused =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param token the bearer token TCP callers send (null when there is no TCP)
   */
  Gate(String token) {
    this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void handle(Context ctx) {
    try {
      check(ctx);
    } catch (ApiException e) {
      var count =
          refused.computeIfAbsent(e.code(), c -> new java.util.concurrent.atomic.LongAdder());
      if (count.sum() == 0) {
        LOG.warn("refused a request ({}; counted, logged once per reason)", e.code());
      }
      count.increment();
      throw e;
    }
  }

  /** Requests refused so far, by code. */
  java.util.Map<String, Long> refused() {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    refused.forEach((code, n) -> counts.put(code, n.sum()));
    return counts;
  }

  private void check(Context ctx) {
    if (ctx.req().getHeader("Origin") != null || ctx.req().getHeader("Referer") != null) {
      throw new ApiException(Codes.FORBIDDEN_ORIGIN, "requests from web pages are refused");
    }
    if (ctx.req().getHeader("X-HTTP-Method-Override") != null) {
      // Javalin would route by it: a GET that runs a POST's command
      throw ApiException.badRequest("X-HTTP-Method-Override is refused");
    }
    // anything but the Unix socket needs the token: a connector added later fails closed
    boolean onTcp = !(connector(ctx) instanceof UnixDomainServerConnector);
    String host = ctx.req().getHeader("Host");
    if (host == null ? onTcp : !LOOPBACK_HOST.matcher(host).matches()) {
      throw new ApiException(Codes.FORBIDDEN_HOST, "the Host must be localhost or a loopback");
    }
    if (onTcp && (expected == null || !authorized(ctx.req().getHeader("Authorization")))) {
      throw new ApiException(Codes.UNAUTHORIZED, "send Authorization: Bearer <api.token>");
    }
    if (ctx.req().getContentLengthLong() > ApiServer.MAX_BODY) {
      // refused before it is read (and without Javalin's warning for each one)
      throw new ApiException(Codes.TOO_LARGE, "a body is at most " + ApiServer.MAX_BODY + " bytes");
    }
  }

  private boolean authorized(String header) {
    // MessageDigest.isEqual takes the same time wherever the first difference is
    return header != null
        && MessageDigest.isEqual(header.getBytes(StandardCharsets.US_ASCII), expected);
  }

  private static Connector connector(Context ctx) {
    return ServletContextRequest.getServletContextRequest(ctx.req())
        .getConnectionMetaData()
        .getConnector();
  }
}
