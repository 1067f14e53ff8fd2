package network.mysterium.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Where the contracts of one network live: what a node needs to follow and use them. */
public record Deployment(
    long chainId,
    String token,
    String identityRegistry,
    String serviceRegistry,
    String payments,
    long startBlock,
    ProposalExpiry proposalExpiry) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static Deployment read(Path file) throws ChainException {
    try {
      JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      return new Deployment(
          required(root, "chainId", file).asLong(),
          required(root, "token", file).asText(),
          required(root, "identityRegistry", file).asText(),
          required(root, "serviceRegistry", file).asText(),
          required(root, "payments", file).asText(),
          required(root, "startBlock", file).asLong(),
          expiry(root.get("proposalExpiry"), file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ChainException(
          "no deployment file "
              + file
              + ": run `mysterium chain deploy` or give --deployment FILE");
    } catch (IOException e) {
      throw new ChainException(
          "cannot read the deployment file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the file atomically: a crash leaves the old file or the new one, never half. */
  public void write(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("chainId", chainId);
    root.put("token", token);
    root.put("identityRegistry", identityRegistry);
    root.put("serviceRegistry", serviceRegistry);
    root.put("payments", payments);
    root.put("startBlock", startBlock);
    ObjectNode expiry = root.putObject("proposalExpiry");
    expiry.put("blocks", proposalExpiry.blocks());
    expiry.put("seconds", proposalExpiry.time().toSeconds());
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, ".deployment-", ".part");
    try {
      Files.writeString(
          temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The same deployment with another proposal expiry (a test chain, a short-lived network). */
  public Deployment withProposalExpiry(ProposalExpiry expiry) {
    return new Deployment(
        chainId, token, identityRegistry, serviceRegistry, payments, startBlock, expiry);
  }

  private static ProposalExpiry expiry(JsonNode node, Path file) throws ChainException {
    if (node == null || node.isNull()) {
      return ProposalExpiry.DEFAULT; // written before deployments had one
    }
    JsonNode blocks = node.get("blocks");
    JsonNode seconds = node.get("seconds");
    if (blocks == null
        || !blocks.canConvertToLong()
        || seconds == null
        || !seconds.canConvertToLong()) {
      throw new ChainException(
          "the deployment file " + file + " has a proposalExpiry without whole blocks and seconds");
    }
    try {
      return new ProposalExpiry(blocks.asLong(), java.time.Duration.ofSeconds(seconds.asLong()));
    } catch (IllegalArgumentException e) {
      throw new ChainException("the deployment file " + file + ": " + e.getMessage());
    }
  }

  private static JsonNode required(JsonNode root, String field, Path file) throws ChainException {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      throw new ChainException("the deployment file " + file + " has no " + field);
    }
    return value;
  }
}
