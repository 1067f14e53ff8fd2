package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document is the API: the copy in docs/ is the jar's byte for byte (the build fails
 * when they differ), every route the server registers is in it and it has no other, and its error
 * codes are the server's with the same statuses.
 */
class OpenApiDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void theDocsCopyIsTheServedDocument() throws Exception {
    Path docs =
        Path.of(System.getProperty("mysterium.root.dir", "..")).resolve("docs/openapi.json");
    assertThat(Files.readAllBytes(docs))
        .as(
            "docs/openapi.json and api/src/main/resources/openapi.json differ: copy one to the"
                + " other")
        .isEqualTo(ApiServer.document());
    JsonNode doc = JSON.readTree(ApiServer.document());
    assertThat(doc.path("openapi").asText()).startsWith("3.1");
  }

  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        ApiNode node =
            ApiNode.start(network, temp.resolve("node"), Myst.parse("1"), Myst.ZERO, o -> o)) {
      JsonNode doc = JSON.readTree(ApiServer.document());
      List<String> documented = new ArrayList<>();
      doc.path("paths")
          .properties()
          .forEach(
              path ->
                  path.getValue()
                      .fieldNames()
                      .forEachRemaining(
                          method ->
                              documented.add(
                                  method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
      assertThat(node.api.routes()).isNotEmpty().containsExactlyInAnyOrderElementsOf(documented);

      // and the served document is the same one
      Curl.Reply served = node.curl.get("/openapi.json");
      assertThat(served.status()).isEqualTo(200);
      assertThat(served.json()).isEqualTo(doc);
    }
  }

  @Test
  void theDocumentedErrorCodesAreTheServersWithTheirStatuses() throws Exception {
    JsonNode codes = JSON.readTree(ApiServer.document()).path("x-error-codes");
    Map<String, Integer> documented = new TreeMap<>();
    codes.properties().forEach(e -> documented.put(e.getKey(), e.getValue().asInt()));
    assertThat(documented).isEqualTo(new TreeMap<>(Codes.all()));
    for (network.mysterium.node.NodeException.Code code :
        network.mysterium.node.NodeException.Code.values()) {
      assertThat(documented).containsKey(code.name());
    }
  }
}
