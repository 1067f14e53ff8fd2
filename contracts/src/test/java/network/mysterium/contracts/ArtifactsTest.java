package network.mysterium.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ArtifactsTest {
  /** The committed ABI and bytecode are exactly what the pinned solc makes of the sources. */
  @Test
  void committedArtifactsAreReproducible() throws Exception {
    Path module = Path.of(System.getProperty("mysterium.root.dir", "..")).resolve("contracts");
    Process check =
        new ProcessBuilder("node", "scripts/compile.mjs", "--check")
            .directory(module.toFile())
            .redirectErrorStream(true)
            .start();
    try {
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(check.exitValue()).as(output).isZero();
      assertThat(output).contains("artifacts match the sources");
    } finally {
      check.destroyForcibly();
    }
  }

  @Test
  void everyArtifactLoadsWithCodeAndAbi() {
    for (String name : List.of("MystToken", "IdentityRegistry", "ServiceRegistry", "Payments")) {
      ContractArtifact artifact = ContractArtifact.load(name);
      assertThat(artifact.bytecode()).startsWith("0x").hasSizeGreaterThan(100);
      assertThat(artifact.abi().isArray()).isTrue();
    }
  }
}
