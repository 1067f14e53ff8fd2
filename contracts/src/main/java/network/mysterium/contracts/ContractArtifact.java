package network.mysterium.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** A compiled contract as {@code contracts/scripts/compile.mjs} wrote it: ABI and creation code. */
public record ContractArtifact(String name, JsonNode abi, String bytecode) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Loads one of the committed artifacts shipped in this module's jar. */
  public static ContractArtifact load(String name) {
    String resource = "/network/mysterium/contracts/artifacts/" + name + ".json";
    try (InputStream in = ContractArtifact.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no artifact " + resource + " in the build");
      }
      JsonNode root = JSON.readTree(in);
      return new ContractArtifact(name, root.get("abi"), root.get("bytecode").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
