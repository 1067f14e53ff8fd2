package network.mysterium.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import network.mysterium.node.Node;
import network.mysterium.node.NodeException;
import network.mysterium.node.NodeHost;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API for third-party applications (whitepaper 4.3.1): HTTP and JSON over one {@link
 * Node}, on a Unix domain socket (mode 0660: this user and its group) and, when asked, on loopback
 * TCP for callers that read the bearer token from a 0600 file (as Tor's control cookie). Browsers
 * are refused (see {@link Gate}). docs/openapi.json describes every route.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  static final String OPENAPI_RESOURCE = "/openapi.json";
  static final int MAX_BODY = 64 * 1024;

  /** Longer than a confirm waits for its transaction to be mined on a slow chain. */
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Where the API listens.
   *
   * @param unixSocket the socket file (its directory must exist)
   * @param tcpPort loopback TCP as well, on this port (0: a free one), or none
   * @param tokenFile where the TCP bearer token is written (only with TCP)
   * @param eventQueue events a {@code /events} client may fall behind before it is dropped
   * @param heartbeat how often an idle {@code /events} stream gets a comment (finds gone clients)
   */
  public record Options(
      Path unixSocket, OptionalInt tcpPort, Path tokenFile, int eventQueue, Duration heartbeat) {
    public static final int DEFAULT_EVENT_QUEUE = 256;

    public Options {
      if (eventQueue < 1) {
        throw new IllegalArgumentException("the event queue holds at least one event");
      }
      if (heartbeat.isNegative() || heartbeat.isZero()) {
        throw new IllegalArgumentException("the heartbeat must be positive");
      }
    }

    /** {@code <dataDir>/api.sock} only; {@code <dataDir>/api.token} if TCP is added. */
    public static Options defaults(Path dataDir) {
      return new Options(
          dataDir.resolve("api.sock"),
          OptionalInt.empty(),
          dataDir.resolve("api.token"),
          DEFAULT_EVENT_QUEUE,
          Duration.ofSeconds(10));
    }

    public Options withUnixSocket(Path socket) {
      return new Options(socket, tcpPort, tokenFile, eventQueue, heartbeat);
    }

    /** Also on loopback TCP at {@code port} (0: any free port), with the token file. */
    public Options withTcp(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("not a port: " + port);
      }
      return new Options(unixSocket, OptionalInt.of(port), tokenFile, eventQueue, heartbeat);
    }

    public Options withTokenFile(Path file) {
      return new Options(unixSocket, tcpPort, file, eventQueue, heartbeat);
    }

    public Options withEventQueue(int events) {
      return new Options(unixSocket, tcpPort, tokenFile, events, heartbeat);
    }

    public Options withHeartbeat(Duration every) {
      return new Options(unixSocket, tcpPort, tokenFile, eventQueue, every);
    }
  }

  private final Javalin app;
  private final Path socket;
  private final Path tokenFile;
  private final ServerConnector tcp;
  private final EventStream events;
  private final Gate gate;

  private ApiServer(
      Javalin app,
      Path socket,
      Path tokenFile,
      ServerConnector tcp,
      EventStream events,
      Gate gate) {
    this.gate = gate;
    this.app = app;
    this.socket = socket;
    this.tokenFile = tokenFile;
    this.tcp = tcp;
    this.events = events;
  }

  /**
   * Starts serving {@code node}; the node stays the caller's (closing the server does not close
   * it).
   *
   * @throws IOException when something listens on the socket already, the path is not a socket, or
   *     a file cannot be written
   */
  public static ApiServer start(Node node, Options options) throws IOException {
    return start(NodeHost.fixed(node), options);
  }

  /**
   * Starts serving the node {@code host} runs (none while it is locked: then only the keystore
   * answers); the host stays the caller's. Through the API an identity can be unlocked (the host
   * switches to it) unless the host is fixed.
   *
   * @throws IOException as {@link #start(Node, Options)}
   */
  public static ApiServer start(NodeHost host, Options options) throws IOException {
    Path socket = options.unixSocket().toAbsolutePath();
    removeStaleSocket(socket);
    String token = null;
    if (options.tcpPort().isPresent()) {
      token = writeToken(options.tokenFile());
    }
    ObjectMapper mapper = new ObjectMapper();
    byte[] document = document();
    EventStream events = new EventStream(host, mapper, options.eventQueue(), options.heartbeat());
    ServerConnector[] tcp = new ServerConnector[1];
    AtomicLong internalFailures = new AtomicLong();
    Gate gate = new Gate(token);
    Javalin app =
        Javalin.create(
            config -> {
              quiet(config);
              config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors(mapper)));
              config.http.maxRequestSize = MAX_BODY;
              config.jsonMapper(new JavalinJackson(mapper, false));
              config.jetty.addConnector(
                  (server, http) -> {
                    // HTTP/1.0 without a Host: Jetty would take the socket path as the authority
                    HttpConfiguration local = new HttpConfiguration(http);
                    local.setServerAuthority(new HostPort("localhost"));
                    UnixDomainServerConnector unix =
                        new UnixDomainServerConnector(server, new HttpConnectionFactory(local));
                    unix.setUnixDomainPath(socket);
                    unix.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                    return unix;
                  });
              if (options.tcpPort().isPresent()) {
                config.jetty.addConnector(
                    (server, http) -> {
                      ServerConnector connector =
                          new ServerConnector(server, new HttpConnectionFactory(http));
                      connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
                      connector.setPort(options.tcpPort().getAsInt());
                      connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                      tcp[0] = connector;
                      return connector;
                    });
              }
              config.routes.before(gate);
              new ConsumerRoutes(host, mapper).register(config.routes);
              new WalletRoutes(host, mapper).register(config.routes);
              new IdentityRoutes(host, mapper).register(config.routes);
              new SettingsRoutes(host, mapper).register(config.routes);
              new SharingRoutes(host, mapper).register(config.routes);
              events.register(config.routes);
              config.routes.get(
                  "/openapi.json", ctx -> ctx.contentType("application/json").result(document));
              errors(config, internalFailures);
            });
    try {
      app.start();
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    } catch (RuntimeException | IOException e) {
      app.stop();
      Files.deleteIfExists(socket);
      if (token != null) {
        Files.deleteIfExists(options.tokenFile());
      }
      throw e instanceof IOException io ? io : new IOException("the API did not start", e);
    }
    LOG.info(
        "local API on {}{}",
        socket,
        tcp[0] == null ? "" : " and 127.0.0.1:" + tcp[0].getLocalPort());
    return new ApiServer(
        app, socket, token == null ? null : options.tokenFile(), tcp[0], events, gate);
  }

  private static void quiet(JavalinConfig config) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    config.startup.startupWatcherEnabled = false;
  }

  /** Every failure as {@code {"code","message"}} with the code's status. */
  private static void errors(JavalinConfig config, AtomicLong internalFailures) {
    config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.code(), e.getMessage()));
    config.routes.exception(
        NodeException.class, (e, ctx) -> error(ctx, e.code().name(), e.getMessage()));
    config.routes.exception(
        HttpResponseException.class,
        (e, ctx) ->
            error(
                ctx,
                switch (e.getStatus()) {
                  case 404 -> Codes.NOT_FOUND;
                  case 405 -> Codes.METHOD_NOT_ALLOWED;
                  case 413 -> Codes.TOO_LARGE;
                  case 400 -> Codes.BAD_REQUEST;
                  default -> NodeException.Code.INTERNAL.name();
                },
                e.getMessage()));
    config.routes.exception(
        Exception.class,
        (e, ctx) -> {
          NodeException typed = NodeException.of(e);
          if (typed.code() == NodeException.Code.INTERNAL
              && internalFailures.incrementAndGet() == 1) {
            LOG.warn("{} {} failed (logged once): {}", ctx.method(), ctx.path(), e.toString());
          }
          error(ctx, typed.code().name(), typed.getMessage());
        });
  }

  private static void error(Context ctx, String code, String message) {
    ctx.status(Codes.status(code)).json(new Views.Error(code, String.valueOf(message)));
  }

  /** The OpenAPI document, as the resource in this jar (docs/openapi.json is the same). */
  static byte[] document() throws IOException {
    try (InputStream in = ApiServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IOException("the jar has no " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    }
  }

  /** A socket file nothing listens on is left over from a run that died: it goes. */
  private static void removeStaleSocket(Path socket) throws IOException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    PosixFileAttributes attributes =
        Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isOther()) {
      throw new IOException(socket + " exists and is not a socket: not replaced");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      throw new IOException("something listens on " + socket + " already (another node?)");
    } catch (java.net.SocketException e) {
      Files.delete(socket); // refused: nobody listens
    }
  }

  /** 32 random bytes as hex, in a file only this user can read, created before it is written. */
  private static String writeToken(Path file) throws IOException {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
    return token;
  }

  /** The socket file the API listens on. */
  public Path unixSocket() {
    return socket;
  }

  /** The loopback TCP port, when the API listens on TCP too. */
  public OptionalInt tcpPort() {
    return tcp == null ? OptionalInt.empty() : OptionalInt.of(tcp.getLocalPort());
  }

  /** The token file, when the API listens on TCP. */
  public Optional<Path> tokenFile() {
    return Optional.ofNullable(tokenFile);
  }

  /** The routes served, as {@code "GET /identity"}, for the document check. */
  public List<String> routes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .filter(e -> e.endpoint.method.isHttpMethod())
        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
        .sorted()
        .toList();
  }

  /** Requests refused before any route ran (browsers, a foreign Host, no token), by code. */
  public java.util.Map<String, Long> refused() {
    return gate.refused();
  }

  /** {@code /events} streams open now. */
  public int eventClients() {
    return events.open();
  }

  /** {@code /events} clients dropped for falling behind. */
  public long droppedEventClients() {
    return events.dropped();
  }

  /** Stops serving (open streams end) and removes the socket and token files. */
  @Override
  public void close() {
    events.closeAll();
    try {
      app.stop();
    } catch (RuntimeException e) {
      LOG.warn("the API did not stop cleanly: {}", e.toString());
    }
    try {
      Files.deleteIfExists(socket);
      if (tokenFile != null) {
        Files.deleteIfExists(tokenFile);
      }
    } catch (IOException e) {
      LOG.warn("could not remove the API's files: {}", e.toString());
    }
  }
}
