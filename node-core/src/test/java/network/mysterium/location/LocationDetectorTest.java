package network.mysterium.location;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import network.mysterium.discovery.ServiceProposal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Location lookup on the real ip-location-db files (installed by the build into node-core/geodata).
 * The "what is my IP" service is the one boundary that cannot exist here: a loopback HTTP server
 * stands in for it, and HttpPublicAddressSource talks to it for real.
 */
class LocationDetectorTest {
  static Path geodata() {
    return Path.of(System.getProperty("mysterium.root.dir", ".."))
        .resolve("node-core/geodata/node_modules/@ip-location-db");
  }

  private IpLocationDatabase database;
  private HttpServer echo;
  private volatile int status = 200;
  private volatile String answer = "";

  @BeforeEach
  void open() throws IOException {
    database = IpLocationDatabase.open(geodata());
    echo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    echo.createContext(
        "/",
        exchange -> {
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    echo.start();
  }

  @AfterEach
  void close() throws IOException {
    echo.stop(0);
    database.close();
  }

  private LocationDetector detector() {
    return new LocationDetector(
        new HttpPublicAddressSource(
            URI.create("http://127.0.0.1:" + echo.getAddress().getPort() + "/")),
        database);
  }

  @Test
  void looksUpCountryAndAutonomousSystemOfWellKnownAddresses() throws IOException {
    assertThat(database.country(InetAddress.ofLiteral("8.8.8.8"))).hasValue("US");
    assertThat(database.asn(InetAddress.ofLiteral("8.8.8.8"))).hasValue(15169);
    assertThat(database.asn(InetAddress.ofLiteral("1.1.1.1"))).hasValue(13335);
    assertThat(database.country(InetAddress.ofLiteral("2001:4860:4860::8888"))).hasValue("US");
    assertThat(database.asn(InetAddress.ofLiteral("2001:4860:4860::8888"))).hasValue(15169);
    assertThat(database.asn(InetAddress.ofLiteral("10.1.2.3"))).isEmpty();
  }

  @Test
  void detectsTheLocationOfThePublicAddressTheEchoServiceReports() throws Exception {
    answer = "8.8.8.8\n";
    LocationDetector.Detected detected = detector().detect(Optional.empty(), OptionalLong.empty());
    assertThat(detected.place()).isEqualTo(new ServiceProposal.Place("US", 15169));
    assertThat(detected.lookedUp()).hasValue(InetAddress.ofLiteral("8.8.8.8"));
  }

  @Test
  void configurationOverridesWhatIsLookedUp() throws Exception {
    answer = "8.8.8.8";
    assertThat(detector().detect(Optional.of("DE"), OptionalLong.empty()).place())
        .isEqualTo(new ServiceProposal.Place("DE", 15169));
    // both given: the echo service is not even asked
    status = 500;
    LocationDetector.Detected configured =
        detector().detect(Optional.of("NL"), OptionalLong.of(1136));
    assertThat(configured.place()).isEqualTo(new ServiceProposal.Place("NL", 1136));
    assertThat(configured.lookedUp()).isEmpty();
  }

  @Test
  void unusableAnswersGiveClearErrors() {
    answer = "192.168.1.20";
    assertThatThrownBy(() -> detector().detect(Optional.empty(), OptionalLong.empty()))
        .hasMessage("192.168.1.20 is not a public Internet address");
    answer = "100.64.0.1";
    assertThatThrownBy(() -> detector().detect(Optional.empty(), OptionalLong.empty()))
        .hasMessageContaining("not a public");
    answer = "<html>rate limited</html>";
    assertThatThrownBy(() -> detector().detect(Optional.empty(), OptionalLong.empty()))
        .hasMessageContaining("did not answer with an IP address: <html>rate limited</html>");
    status = 503;
    assertThatThrownBy(() -> detector().detect(Optional.empty(), OptionalLong.empty()))
        .hasMessageContaining("answered HTTP 503");
    echo.stop(0);
    assertThatThrownBy(() -> detector().detect(Optional.of("DE"), OptionalLong.empty()))
        .hasMessageStartingWith("could not learn this node's public address");
  }

  @Test
  void missingDataIsNamed(@TempDir Path empty) {
    assertThatThrownBy(() -> IpLocationDatabase.open(empty))
        .hasMessageContaining("IP location data is missing")
        .hasMessageContaining("geo-whois-asn-country.mmdb");
  }

  @Test
  void anAddressWithoutDataIsReported(@TempDir Path dir) throws Exception {
    // a copy of the data with an empty ASN table: the country is found, the ASN is not
    Path root = dir.resolve("db");
    Files.createDirectories(root.resolve("asn"));
    Files.createDirectories(root.resolve("geo-whois-asn-country-mmdb"));
    Files.copy(
        geodata().resolve(IpLocationDatabase.COUNTRY_FILE),
        root.resolve(IpLocationDatabase.COUNTRY_FILE));
    Files.writeString(root.resolve(IpLocationDatabase.ASN_V4_FILE), "");
    Files.writeString(root.resolve(IpLocationDatabase.ASN_V6_FILE), "");
    answer = "8.8.8.8";
    try (IpLocationDatabase partial = IpLocationDatabase.open(root)) {
      LocationDetector detector =
          new LocationDetector(
              new HttpPublicAddressSource(
                  URI.create("http://127.0.0.1:" + echo.getAddress().getPort() + "/")),
              partial);
      assertThatThrownBy(() -> detector.detect(Optional.empty(), OptionalLong.empty()))
          .hasMessage("no autonomous system is known for 8.8.8.8");
    }
  }
}
