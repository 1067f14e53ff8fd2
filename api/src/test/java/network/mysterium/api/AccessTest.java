package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import network.mysterium.node.ConnectionStatus;
import network.mysterium.session.SessionEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call: browsers (Origin, Referer, a foreign Host) are refused with 403 and TCP callers
 * without the token with 401, before the route runs: a refused connect does not connect, though the
 * same request allowed does (a provider is there to connect to).
 */
class AccessTest {
  @TempDir static Path temp;
  static LocalNetwork network;
  static ApiNode consumer;
  static Curl tcp;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    network = LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
    network.startProvider(
        new LocalNetwork.ProviderSpec("DE", 64500, "0.001"), SessionEvents.none());
    consumer =
        ApiNode.start(
            network, temp.resolve("consumer"), Myst.parse("5"), Myst.parse("3"), o -> o.withTcp(0));
    tcp = Curl.tcp(consumer.api.tcpPort().orElseThrow());
    token = Files.readString(consumer.api.tokenFile().orElseThrow()).strip();
  }

  @AfterAll
  static void stop() throws Exception {
    if (consumer != null) {
      consumer.close();
    }
    if (network != null) {
      network.close();
    }
  }

  private static final String CONNECT = "{\"country\": \"DE\", \"paymentStep\": \"0.01\"}";

  @Test
  void refusedConnectsRunNothingAndTheSameConnectAllowedConnects() throws Exception {
    java.util.Map<String, Long> before = consumer.api.refused();
    List<List<String>> refusedUnix =
        List.of(
            List.of("Origin: http://evil.example"),
            List.of("Origin: null"),
            List.of("Referer: http://localhost/page"),
            List.of("Host: evil.example"),
            List.of("Host: localhost.evil.example"),
            List.of("Host: 127.0.0.2"),
            List.of("X-HTTP-Method-Override: POST"));
    for (List<String> headers : refusedUnix) {
      Curl.Reply reply = consumer.curl.post("/connection", CONNECT, headers.toArray(String[]::new));
      assertThat(reply.status()).as("%s", headers).isIn(400, 403);
      assertThat(reply.code())
          .as("%s", headers)
          .isIn(Codes.FORBIDDEN_ORIGIN, Codes.FORBIDDEN_HOST, Codes.BAD_REQUEST);
      assertThat(reply.text("message")).isNotBlank();
    }
    assertThat(consumer.curl.post("/connection", CONNECT, "Origin: http://x").code())
        .isEqualTo(Codes.FORBIDDEN_ORIGIN);
    assertThat(consumer.curl.post("/connection", CONNECT, "Host: evil.example").code())
        .isEqualTo(Codes.FORBIDDEN_HOST);

    Curl.Reply noToken = tcp.post("/connection", CONNECT);
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.code()).isEqualTo(Codes.UNAUTHORIZED);
    Curl.Reply wrongToken =
        tcp.post("/connection", CONNECT, "Authorization: Bearer " + "0".repeat(64));
    assertThat(wrongToken.status()).isEqualTo(401);
    Curl.Reply tokenAsBasic = tcp.post("/connection", CONNECT, "Authorization: Basic " + token);
    assertThat(tokenAsBasic.status()).isEqualTo(401);
    Curl.Reply tokenFromAPage =
        tcp.post("/connection", CONNECT, "Authorization: Bearer " + token, "Origin: http://x");
    assertThat(tokenFromAPage.code()).isEqualTo(Codes.FORBIDDEN_ORIGIN);

    // counted by reason (and logged once each)
    java.util.Map<String, Long> after = consumer.api.refused();
    assertThat(after.get(Codes.UNAUTHORIZED) - before.getOrDefault(Codes.UNAUTHORIZED, 0L))
        .isEqualTo(3);
    assertThat(after.get(Codes.FORBIDDEN_ORIGIN) - before.getOrDefault(Codes.FORBIDDEN_ORIGIN, 0L))
        .isEqualTo(5);
    assertThat(after.get(Codes.FORBIDDEN_HOST) - before.getOrDefault(Codes.FORBIDDEN_HOST, 0L))
        .isEqualTo(4);

    // nothing ran: no connection, no session, no attempt published
    assertThat(consumer.node.connection()).isEmpty();
    assertThat(consumer.node.status().state()).isEqualTo(ConnectionStatus.State.DISCONNECTED);
    assertThat(consumer.node.status().endedBecause()).isEmpty();
    assertThat(consumer.node.history(10)).isEmpty();

    Curl.Reply allowed = tcp.post("/connection", CONNECT, "Authorization: Bearer " + token);
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.text("state")).isEqualTo("CONNECTED");
    assertThat(consumer.node.connection()).isPresent();
    Curl.Reply closed = consumer.curl.delete("/connection");
    assertThat(closed.text("state")).isEqualTo("DISCONNECTED");
    assertThat(consumer.node.connection()).isEmpty();
  }

  @Test
  void loopbackHostsAndNoHostOnTheSocketAreAllowed() throws Exception {
    for (String host :
        List.of("localhost", "LOCALHOST:8080", "127.0.0.1", "127.0.0.1:1", "[::1]")) {
      Curl.Reply reply = consumer.curl.get("/connection", "Host: " + host);
      assertThat(reply.status()).as(host).isEqualTo(200);
      assertThat(reply.text("state")).isEqualTo("DISCONNECTED");
    }
    // HTTP/1.0 needs no Host: allowed on the socket, refused on TCP even with the token
    List<String> noHost =
        List.of("curl", "-sS", "--http1.0", "-H", "Host:", "-w", "\n%{http_code}");
    String onSocket =
        Curl.run(
            concat(
                noHost,
                "--unix-socket",
                consumer.api.unixSocket().toString(),
                "http://localhost/connection"),
            30);
    assertThat(onSocket).endsWith("\n200");
    String onTcp =
        Curl.run(
            concat(
                noHost,
                "-H",
                "Authorization: Bearer " + token,
                "http://127.0.0.1:" + consumer.api.tcpPort().orElseThrow() + "/connection"),
            30);
    assertThat(onTcp).endsWith("\n403").contains(Codes.FORBIDDEN_HOST);
    Curl.Reply tcpForeignHost =
        tcp.get("/connection", "Authorization: Bearer " + token, "Host: evil.example");
    assertThat(tcpForeignHost.code()).isEqualTo(Codes.FORBIDDEN_HOST);
    assertThat(tcp.get("/connection", "Authorization: Bearer " + token).status()).isEqualTo(200);
  }

  @Test
  void unknownRoutesAndBadBodiesAnswerTheErrorShapeAndUnauthenticatedTcpSeesNoRoute()
      throws Exception {
    Curl.Reply missing = consumer.curl.get("/nothing");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.code()).isEqualTo(Codes.NOT_FOUND);
    assertThat(tcp.get("/nothing").code()).isEqualTo(Codes.UNAUTHORIZED);
    for (String body :
        List.of(
            "{",
            "[]",
            "{\"amount\": 1}",
            "{\"amount\": \"1e999999999\"}",
            "{\"amount\": \"-1\"}",
            "{\"amount\": \"1\", \"extra\": true}")) {
      Curl.Reply reply = consumer.curl.post("/wallet/deposit", body);
      assertThat(reply.status()).as(body).isEqualTo(400);
      assertThat(reply.code()).as(body).isEqualTo(Codes.BAD_REQUEST);
    }
    Curl.Reply tooMuch = consumer.curl.post("/wallet/deposit", "{\"amount\": \"1000\"}");
    assertThat(tooMuch.status()).isEqualTo(422);
    assertThat(tooMuch.code()).isEqualTo("INSUFFICIENT_FUNDS");
    Curl.Reply notConnected = consumer.curl.delete("/connection");
    assertThat(notConnected.status()).isEqualTo(404);
    assertThat(notConnected.code()).isEqualTo("NOT_CONNECTED");
    assertThat(consumer.curl.get("/sessions/current").code()).isEqualTo("NOT_CONNECTED");
    Curl.Reply unknown =
        consumer.curl.post("/wallet/confirm", "{\"preview\": \"" + "a".repeat(32) + "\"}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("UNKNOWN_PREVIEW");
    Curl.Reply registered = consumer.curl.post("/wallet/registration", "");
    assertThat(registered.status()).isEqualTo(409);
    assertThat(registered.code()).isEqualTo("ALREADY_REGISTERED");
    Curl.Reply badType = consumer.curl.get("/proposals?type=carrier-pigeon");
    assertThat(badType.code()).isEqualTo("INVALID_INPUT");
    assertThat(consumer.curl.get("/proposals?limit=0").code()).isEqualTo(Codes.BAD_REQUEST);
    assertThat(consumer.curl.get("/proposals?colour=red").code()).isEqualTo(Codes.BAD_REQUEST);
    assertThat(consumer.curl.get("/events").code()).isEqualTo(Codes.NOT_ACCEPTABLE);

    // too large: a body over 64 KB (Javalin), headers over Jetty's limit; the error shape still
    Curl.Reply bigBody =
        consumer.curl.post("/wallet/deposit", "{\"amount\": \"" + "1".repeat(100_000) + "\"}");
    assertThat(bigBody.status()).isEqualTo(413);
    assertThat(bigBody.code()).isEqualTo(Codes.TOO_LARGE);
    Curl.Reply bigHeader = consumer.curl.get("/connection", "X-Filler: " + "x".repeat(20_000));
    assertThat(bigHeader.status()).isEqualTo(431);
    assertThat(bigHeader.code()).isEqualTo(Codes.TOO_LARGE);
  }

  @Test
  void filesAreCreatedPrivateRemovedOnCloseAndALiveSocketIsNotTakenOver() throws Exception {
    Path dir = temp.resolve("second");
    Files.createDirectories(dir);
    ApiServer.Options options = ApiServer.Options.defaults(dir).withTcp(0);
    // a stale socket file (its listener died) is replaced
    try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      stale.bind(UnixDomainSocketAddress.of(options.unixSocket()));
    }
    assertThat(options.unixSocket()).exists();
    ApiServer second = ApiServer.start(consumer.node, options);
    try {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(second.unixSocket())))
          .isEqualTo("rw-rw----");
      Path tokenFile = second.tokenFile().orElseThrow();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
          .isEqualTo("rw-------");
      assertThat(Files.readString(tokenFile).strip()).matches("[0-9a-f]{64}").isNotEqualTo(token);
      assertThat(Curl.unix(second.unixSocket()).get("/connection").status()).isEqualTo(200);
      // a live socket is not taken over
      assertThatThrownBy(() -> ApiServer.start(consumer.node, ApiServer.Options.defaults(dir)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("listens");
      assertThat(Curl.unix(second.unixSocket()).get("/connection").status()).isEqualTo(200);
      // an open event stream ends with the server, its subscription with it
      try (EventsClient events = new EventsClient(second.unixSocket())) {
        ApiNode.await(
            () -> second.eventClients() == 1, java.time.Duration.ofSeconds(10), "the stream");
        second.close();
        assertThat(second.eventClients()).isZero();
      }
    } finally {
      second.close();
    }
    assertThat(options.unixSocket()).doesNotExist();
    assertThat(options.tokenFile()).doesNotExist();
    // a TCP port taken: nothing is left behind, neither socket nor token
    ApiServer.Options taken = options.withTcp(consumer.api.tcpPort().orElseThrow());
    assertThatThrownBy(() -> ApiServer.start(consumer.node, taken)).isInstanceOf(IOException.class);
    assertThat(taken.unixSocket()).doesNotExist();
    assertThat(taken.tokenFile()).doesNotExist();
    // a file that is not a socket is left alone
    Files.writeString(options.unixSocket(), "not a socket");
    assertThatThrownBy(() -> ApiServer.start(consumer.node, options))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a socket");
    assertThat(Files.readString(options.unixSocket())).isEqualTo("not a socket");
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new java.util.ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}
