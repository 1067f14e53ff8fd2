package network.mysterium.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;

/** Names the custom error in revert data, from the errors of every Mysterium contract's ABI. */
final class RevertDecoder {
  private record ErrorAbi(String name, List<String> types) {}

  private final Map<String, ErrorAbi> bySelector = new HashMap<>();

  RevertDecoder(List<ContractArtifact> artifacts) {
    for (ContractArtifact artifact : artifacts) {
      for (JsonNode entry : artifact.abi()) {
        if (entry.path("type").asText().equals("error")) {
          List<String> types = new ArrayList<>();
          entry.path("inputs").forEach(input -> types.add(input.path("type").asText()));
          String signature = entry.get("name").asText() + "(" + String.join(",", types) + ")";
          bySelector.put(
              Hash.sha3String(signature).substring(0, 10),
              new ErrorAbi(entry.get("name").asText(), types));
        }
      }
    }
    // Solidity's built-in Error(string) and Panic(uint256).
    bySelector.put("0x08c379a0", new ErrorAbi("Error", List.of("string")));
    bySelector.put("0x4e487b71", new ErrorAbi("Panic", List.of("uint256")));
  }

  ContractRevertException decode(String revertData) {
    if (revertData == null || revertData.length() < 10) {
      return new ContractRevertException("unknown", List.of(String.valueOf(revertData)));
    }
    ErrorAbi error = bySelector.get(revertData.substring(0, 10).toLowerCase());
    if (error == null) {
      return new ContractRevertException("unknown", List.of(revertData));
    }
    List<TypeReference<Type>> references = new ArrayList<>();
    for (String type : error.types()) {
      try {
        @SuppressWarnings("unchecked")
        TypeReference<Type> reference = (TypeReference<Type>) TypeReference.makeTypeReference(type);
        references.add(reference);
      } catch (ClassNotFoundException e) {
        return new ContractRevertException(error.name(), List.of(revertData));
      }
    }
    List<Object> values = new ArrayList<>();
    for (Type<?> value :
        FunctionReturnDecoder.decode("0x" + revertData.substring(10), references)) {
      values.add(value.getValue());
    }
    return new ContractRevertException(error.name(), values);
  }
}
