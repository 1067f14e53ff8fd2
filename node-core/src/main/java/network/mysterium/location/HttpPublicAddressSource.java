package network.mysterium.location;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks a plain-text "what is my IP" service (e.g. https://api.ipify.org) for the address it sees.
 * The answer must be an IP literal: nothing else is ever resolved from it.
 */
public final class HttpPublicAddressSource implements PublicAddressSource {
  public static final URI DEFAULT = URI.create("https://api.ipify.org");

  private final URI service;
  private final HttpClient client;

  public HttpPublicAddressSource(URI service) {
    this.service = service;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Override
  public InetAddress publicAddress() throws IOException {
    HttpResponse<String> response;
    try {
      response =
          client.send(
              HttpRequest.newBuilder(service).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + service + " for the public address", e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(service + " answered HTTP " + response.statusCode());
    }
    String body = response.body().strip();
    try {
      return InetAddress.ofLiteral(body);
    } catch (IllegalArgumentException e) {
      throw new IOException(service + " did not answer with an IP address: " + abbreviate(body));
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
